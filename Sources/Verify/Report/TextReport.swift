/// The default, human-readable report.
public enum TextReport {
    public static func render(_ report: AuditReport) -> String {
        var out = "\(report.target.name)"
        if let version = report.target.version { out += " \(version)" }
        out += "  (\(report.target.path))\n"
        out += "verdict: \(report.verdict.rawValue.uppercased())  policy: \(report.policy.rawValue)  rules: \(report.rulesVersion)\n"
        let counts = Dictionary(report.findings.map { ($0.severity, 1) }, uniquingKeysWith: +)
        let summary = Severity.allCases.reversed().compactMap { severity in counts[severity].map { "\($0) \(severity.rawValue)" } }
        out += "findings: \(report.findings.isEmpty ? "none" : summary.joined(separator: ", "))\n"
        for finding in report.findings {
            let place = finding.file.isEmpty ? "(skill)" : finding.line.map { "\(finding.file):\($0)" } ?? finding.file
            var flags: [String] = []
            if report.policy.verdict(for: finding) == .block { flags.append("blocks") }
            if finding.acknowledged { flags.append("acknowledged") }
            out += "\n[\(finding.severity.rawValue.uppercased())] \(finding.ruleId) \(place)"
            out += flags.isEmpty ? "\n" : "  (\(flags.joined(separator: ", ")))\n"
            out += "  \(finding.message); fix: \(finding.remediation)\n"
            if !finding.evidence.isEmpty { out += "  > \(finding.evidence)\n" }
        }
        for layer in report.layers {
            if case .skipped(let reason) = layer.outcome { out += "\nlayer \(layer.name.rawValue) skipped: \(reason)\n" }
        }
        for record in report.acknowledgements {
            out += "\nacknowledged \(record.ruleId)" + (record.reason.map { ": \($0)" } ?? "")
            out += record.accepted ? "\n" : " (not applied: \(record.note ?? "refused"))\n"
        }
        return out
    }
}
