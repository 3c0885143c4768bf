import Foundation

/// How bad a finding is if it is real.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// How sure a rule is that a match means what it says.
public enum Confidence: String, Sendable, CaseIterable, Comparable {
    case low, medium, high

    var rank: Int { Confidence.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank < rhs.rank }
}

/// The kind of attack (or defect) a finding belongs to.
public enum Category: String, Sendable, CaseIterable {
    case structure
    case manifest
    case commandInjection = "command-injection"
    case remoteExecution = "remote-execution"
    case obfuscation
    case credentialAccess = "credential-access"
    case dataExfiltration = "data-exfiltration"
    case persistence
    case privilegeEscalation = "privilege-escalation"
    case backdoor
    case destructive
    case resourceExhaustion = "resource-exhaustion"
    case sqlInjection = "sql-injection"
    case pathTraversal = "path-traversal"
    case promptInjection = "prompt-injection"
    case harmfulContent = "harmful-content"
    case socialEngineering = "social-engineering"
    case hiddenUnicode = "hidden-unicode"
    case supplyChain = "supply-chain"
    case insecureTransport = "insecure-transport"
    case secrets
    case capabilityMismatch = "capability-mismatch"
    case native

    /// Maps another scanner's category (Cisco skill-scanner's, or a labelled corpus's) onto ours,
    /// so measurements can compare like with like.
    public static func matching(peerCategory: String) -> Set<Category> {
        let key = peerCategory.lowercased().replacingOccurrences(of: "_", with: "-")
        if let exact = Category(rawValue: key) { return [exact] }
        switch key {
        case "behavioral-analysis", "exfiltration", "tool-chaining-abuse", "environment-dump": return [.dataExfiltration, .credentialAccess]
        case "resource-abuse": return [.resourceExhaustion]
        case "malware", "ransomware": return [.remoteExecution, .backdoor, .obfuscation, .destructive]
        case "code-execution", "dynamic-code-execution": return [.commandInjection, .remoteExecution]
        case "policy-violation": return [.manifest, .capabilityMismatch]
        case "unauthorized-tool-use": return [.capabilityMismatch, .supplyChain]
        case "autonomy-abuse", "transitive-trust-abuse", "jailbreak": return [.promptInjection]
        case "skill-discovery-abuse": return [.socialEngineering]
        case "unicode-steganography", "steganography": return [.hiddenUnicode]
        case "hardcoded-secrets": return [.secrets]
        case "supply-chain-attack": return [.supplyChain]
        default: return []
        }
    }
}

/// The pipeline stage that produced a finding.
public enum LayerName: String, Sendable, CaseIterable {
    case structure, manifest, `static`, native, capability, exec
}

/// Where the evidence sits, which decides whether a payload rule may block: text a model or a user
/// merely reads (prose, comments, metadata) only warns unless code corroborates it.
public enum Origin: String, Sendable {
    /// A script or config file.
    case code
    /// A code block inside Markdown or plain text: commands a reader or agent is told to run.
    case instructions
    /// Markdown prose, code comments, descriptions.
    case prose
    /// File-tree facts and binary contents.
    case tree
}

/// One problem found in a skill, with enough context to review it without rerunning the audit.
public struct Finding: Sendable, Hashable {
    public let ruleId: String
    public let severity: Severity
    public let confidence: Confidence
    public let category: Category
    public let layer: LayerName
    public let origin: Origin
    /// Path relative to the skill root, with `/` separators; empty for the skill as a whole.
    public let file: String
    /// 1-based line, or nil when the finding is not about one line.
    public let line: Int?
    public let evidence: String
    public let message: String
    public let remediation: String
    /// Whether the rule's payload semantics allow it to block at this origin.
    public let blocking: Bool
    public internal(set) var acknowledged: Bool = false

    init(rule: Rule, origin: Origin, file: String, line: Int?, evidence: String, detail: String? = nil,
         severity: Severity? = nil, confidence: Confidence? = nil)
    {
        self.ruleId = rule.id
        self.severity = severity ?? rule.severity
        self.confidence = confidence ?? rule.confidence
        self.category = rule.category
        self.layer = rule.layer
        self.origin = origin
        self.file = file
        self.line = line
        self.evidence = Finding.excerpt(evidence)
        self.message = detail.map { "\(rule.message) (\($0))" } ?? rule.message
        self.remediation = rule.remediation
        self.blocking = rule.blocks.covers(origin)
    }

    /// Evidence is shown, not executed; keep it one short line and make invisible characters visible.
    static func excerpt(_ text: String, limit: Int = 160) -> String {
        var out = ""
        for scalar in text.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars {
            if out.unicodeScalars.count >= limit { out += "…"; break }
            if UnicodeScan.isInvisible(scalar) || scalar.value == 0x0A || scalar.value == 0x0D || scalar.value == 0x09 {
                out += scalar.value == 0x09 ? " " : String(format: "<U+%04X>", scalar.value)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "?"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The report order: most severe first, then by place, so two runs print the same bytes.
    static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        if (lhs.line ?? 0) != (rhs.line ?? 0) { return (lhs.line ?? 0) < (rhs.line ?? 0) }
        if lhs.ruleId != rhs.ruleId { return lhs.ruleId < rhs.ruleId }
        return lhs.evidence < rhs.evidence
    }
}
