import MementoCore

/// The JSON report (notes §8): findings sorted, no timestamps inside findings.
public enum JSONReport {
    public static func render(_ report: AuditReport) -> String { value(of: report).encoded(.pretty) + "\n" }

    public static func value(of report: AuditReport) -> JSONValue {
        var target: [String: JSONValue] = ["name": .string(report.target.name), "treeHash": .string(report.target.treeHash),
                                           "path": .string(report.target.path)]
        target["version"] = report.target.version.map(JSONValue.string) ?? .null
        return .object([
            "tool": ["name": .string(AuditReport.toolName), "version": .string(report.toolVersion), "rulesVersion": .string(report.rulesVersion)],
            "policy": .string(report.policy.rawValue),
            "policyFingerprint": .string(report.policyFingerprint),
            "target": .object(target),
            "verdict": .string(report.verdict.rawValue),
            "findings": .array(report.findings.map(value(of:))),
            "layers": .array(report.layers.map { layer in
                switch layer.outcome {
                case .ran: return ["name": .string(layer.name.rawValue), "status": "ran"]
                case .skipped(let reason): return ["name": .string(layer.name.rawValue), "status": "skipped", "reason": .string(reason)]
                }
            }),
            "acknowledged": .array(report.acknowledgements.map { record in
                ["rule": .string(record.ruleId), "reason": record.reason.map(JSONValue.string) ?? .null,
                 "accepted": .bool(record.accepted), "note": record.note.map(JSONValue.string) ?? .null]
            }),
            "durationMs": .number(JSONNumber(report.durationMs)),
        ])
    }

    static func value(of finding: Finding) -> JSONValue {
        let title = RuleCatalogue.rule(id: finding.ruleId)?.title ?? finding.ruleId
        return [
            "ruleId": .string(finding.ruleId),
            "severity": .string(finding.severity.rawValue),
            "confidence": .string(finding.confidence.rawValue),
            "category": .string(finding.category.rawValue),
            "layer": .string(finding.layer.rawValue),
            "origin": .string(finding.origin.rawValue),
            "title": .string(title),
            "message": .string(finding.message),
            "file": .string(finding.file),
            "line": finding.line.map { .number(JSONNumber($0)) } ?? .null,
            "evidence": .string(finding.evidence),
            "remediation": .string(finding.remediation),
            "blocking": .bool(finding.blocking),
            "acknowledged": .bool(finding.acknowledged),
        ]
    }
}
