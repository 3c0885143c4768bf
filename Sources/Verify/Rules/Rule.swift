/// A rule's identity and meaning. Ids are stable: reports, acknowledgements and lockfiles refer to them.
public struct Rule: Sendable, Hashable {
    public let id: String
    public let title: String
    public let severity: Severity
    public let confidence: Confidence
    public let category: Category
    public let layer: LayerName
    /// Where a finding of this rule is a high-confidence payload that blocks the skill.
    public let blocks: BlockScope
    /// Some payloads are never acceptable, whatever the reviewer says.
    public let overridable: Bool
    /// What the finding means, in one sentence.
    public let message: String
    /// How to make the finding go away honestly.
    public let remediation: String

    init(_ id: String, _ title: String, _ severity: Severity, _ confidence: Confidence, _ category: Category,
         _ layer: LayerName, blocks: BlockScope = .never, overridable: Bool = true, message: String, fix remediation: String)
    {
        self.id = id
        self.title = title
        self.severity = severity
        self.confidence = confidence
        self.category = category
        self.layer = layer
        self.blocks = blocks
        self.overridable = overridable
        self.message = message
        self.remediation = remediation
    }
}

/// The origins at which a rule's match is a payload rather than a mention.
public enum BlockScope: Int, Sendable, Comparable {
    /// Never blocks on its own: a heuristic.
    case never
    /// Blocks in scripts, config and the file tree.
    case code
    /// Also blocks in Markdown code blocks: commands a reader or agent is told to run.
    case instructions
    /// Blocks anywhere, prose included, because no honest text contains it.
    case anywhere

    public static func < (lhs: BlockScope, rhs: BlockScope) -> Bool { lhs.rawValue < rhs.rawValue }

    func covers(_ origin: Origin) -> Bool {
        switch origin {
        case .code, .tree: return self >= .code
        case .instructions: return self >= .instructions
        case .prose: return self == .anywhere
        }
    }
}
