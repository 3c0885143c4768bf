import Foundation
import MementoCore

/// The outcome of an audit.
public enum Verdict: String, Sendable, Comparable {
    case pass, warn, block

    private var rank: Int { [Verdict.pass, .warn, .block].firstIndex(of: self) ?? 0 }
    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}

/// How findings turn into a verdict.
public enum Policy: String, Sendable, CaseIterable {
    /// Block only on high-confidence payloads in code; warn on medium and above.
    case `default`
    /// Also block on any high-severity finding that is not a low-confidence guess, and warn on low.
    case strict

    public func verdict(for finding: Finding) -> Verdict {
        if finding.acknowledged { return .pass }
        if finding.blocking && finding.confidence == .high { return .block }
        switch self {
        case .default:
            return finding.severity >= .medium ? .warn : .pass
        case .strict:
            if finding.severity >= .high && finding.confidence >= .medium && finding.origin != .prose { return .block }
            return finding.severity >= .low ? .warn : .pass
        }
    }

    public func verdict(for findings: [Finding]) -> Verdict {
        findings.map(verdict(for:)).max() ?? .pass
    }

    /// Identifies the policy and overrides a verdict was computed under, for caching and lockfiles.
    public func fingerprint(acknowledged: [Acknowledgement]) -> String {
        let overrides = acknowledged.map(\.ruleId).sorted().joined(separator: ",")
        return SHA256Hex.of(Data("policy=\(rawValue);rules=\(RuleCatalogue.version);ack=\(overrides)".utf8))
    }
}

/// A reviewer's explicit override of one rule, recorded with its reason.
public struct Acknowledgement: Sendable, Hashable {
    public let ruleId: String
    public let reason: String?

    public init(ruleId: String, reason: String?) {
        self.ruleId = ruleId
        self.reason = reason
    }

    /// Why an acknowledgement cannot be honoured, or nil when it can.
    var problem: String? {
        guard let rule = RuleCatalogue.rule(id: ruleId) else { return "unknown rule id; see the rule list in the report" }
        return rule.overridable ? nil : "this rule cannot be overridden"
    }
}
