/// A rule's identity and meaning. Ids are stable: reports, acknowledgements and lockfiles refer to them.
public struct Rule: Sendable, Hashable {
    public let id: String
    public let title: String
    public let severity: Severity
    public let confidence: Confidence
    public let category: Category
    public let layer: LayerName
    /// A high-confidence payload pattern: found in code, it blocks the skill.
    public let blocking: Bool
    /// Blocks even when found in prose, because no honest text contains it.
    public let blocksInProse: Bool
    /// Some payloads are never acceptable, whatever the reviewer says.
    public let overridable: Bool
    /// What the finding means, in one sentence.
    public let message: String
    /// How to make the finding go away honestly.
    public let remediation: String

    init(_ id: String, _ title: String, _ severity: Severity, _ confidence: Confidence, _ category: Category,
         _ layer: LayerName, blocking: Bool = false, blocksInProse: Bool = false, overridable: Bool = true, message: String, fix remediation: String)
    {
        self.id = id
        self.title = title
        self.severity = severity
        self.confidence = confidence
        self.category = category
        self.layer = layer
        self.blocking = blocking
        self.blocksInProse = blocksInProse
        self.overridable = overridable
        self.message = message
        self.remediation = remediation
    }
}
