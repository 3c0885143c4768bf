import MementoCore

/// Everything an audit established. Deterministic apart from `durationMs`.
public struct AuditReport: Sendable {
    public struct Target: Sendable {
        public let path: String
        public let name: String
        public let version: String?
        public let treeHash: String
    }

    public struct LayerStatus: Sendable {
        public let name: LayerName
        public let outcome: LayerOutcome
    }

    public struct AcknowledgementRecord: Sendable {
        public let ruleId: String
        public let reason: String?
        /// False when the rule cannot be overridden; its findings still count.
        public let accepted: Bool
        public let note: String?
    }

    public static let toolName = "memento-verify"
    public var toolVersion: String { MementoVersion.current }
    public var rulesVersion: String { RuleCatalogue.version }

    public let target: Target
    public let policy: Policy
    public let policyFingerprint: String
    public let verdict: Verdict
    public let findings: [Finding]
    public let layers: [LayerStatus]
    public let acknowledgements: [AcknowledgementRecord]
    public let durationMs: Int

    /// The findings that decided the verdict (those whose own verdict equals it).
    public var decisive: [Finding] {
        verdict == .pass ? [] : findings.filter { policy.verdict(for: $0) == verdict }
    }

    /// Rules referenced by the findings, for SARIF's rule table.
    var referencedRules: [Rule] {
        Set(findings.map(\.ruleId)).sorted().compactMap(RuleCatalogue.rule(id:))
    }
}
