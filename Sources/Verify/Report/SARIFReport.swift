import Foundation
import MementoCore

/// SARIF 2.1.0, for code-scanning dashboards.
public enum SARIFReport {
    public static func render(_ report: AuditReport) -> String {
        let rules: [JSONValue] = report.referencedRules.map { rule in
            [
                "id": .string(rule.id),
                "name": .string(rule.title),
                "shortDescription": ["text": .string(rule.title)],
                "fullDescription": ["text": .string(rule.message)],
                "help": ["text": .string(rule.remediation)],
                "defaultConfiguration": ["level": .string(level(rule.severity))],
                "properties": ["tags": .array([.string(rule.category.rawValue), .string(rule.layer.rawValue)])],
            ]
        }
        let results: [JSONValue] = report.findings.map { finding in
            var region: [String: JSONValue] = ["snippet": ["text": .string(finding.evidence)]]
            if let line = finding.line { region["startLine"] = .number(JSONNumber(line)) }
            var physical: [String: JSONValue] = ["artifactLocation": ["uri": .string(finding.file.isEmpty ? "." : finding.file), "uriBaseId": "SKILLROOT"]]
            if finding.line != nil || !finding.evidence.isEmpty { physical["region"] = .object(region) }
            var result: [String: JSONValue] = [
                "ruleId": .string(finding.ruleId),
                "level": .string(level(finding.severity)),
                "message": ["text": .string("\(finding.message). Fix: \(finding.remediation)")],
                "locations": [["physicalLocation": .object(physical)]],
                "partialFingerprints": ["memento/v1": .string(SHA256Hex.of(Data("\(finding.ruleId)\u{0}\(finding.file)\u{0}\(finding.evidence)".utf8)))],
                "properties": ["severity": .string(finding.severity.rawValue), "confidence": .string(finding.confidence.rawValue),
                               "category": .string(finding.category.rawValue)],
            ]
            if finding.acknowledged {
                result["suppressions"] = [["kind": "external", "status": "accepted",
                                           "justification": .string(report.acknowledgements.first { $0.ruleId == finding.ruleId }?.reason ?? "")]]
            }
            return .object(result)
        }
        let sarif: JSONValue = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": .string(AuditReport.toolName),
                    "version": .string(report.toolVersion),
                    "semanticVersion": .string(report.toolVersion),
                    "rules": .array(rules),
                    "properties": ["rulesVersion": .string(report.rulesVersion)],
                ]],
                "originalUriBaseIds": ["SKILLROOT": ["uri": .string("file://" + report.target.path + "/")]],
                "results": .array(results),
                "properties": ["verdict": .string(report.verdict.rawValue), "policy": .string(report.policy.rawValue),
                               "treeHash": .string(report.target.treeHash)],
            ]],
        ]
        return sarif.encoded(.pretty) + "\n"
    }

    /// critical/high → error, medium → warning, low/info → note.
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }
}
