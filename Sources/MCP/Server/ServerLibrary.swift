import MementoCore

/// What an MCP server built on `MCPServer` offers. The engine does the protocol (both eras,
/// envelopes, errors, cancellation); a library only answers with content.
public protocol ServerLibrary: Sendable {
    /// Every tool, in a stable order: `{name, description, inputSchema, outputSchema?}`.
    func tools() -> [JSONValue]
    /// True when `call` validates the arguments against the tool's `inputSchema` itself (and
    /// answers invalid ones with an error result); the engine then leaves that to it.
    var validatesArguments: Bool { get }
    /// Runs a tool. The engine has checked the name and, unless the library `validatesArguments`,
    /// validated the arguments against the tool's `inputSchema`. `progress` reports work under
    /// way; cancelling the task must stop the work.
    func call(tool: String, arguments: JSONValue, progress: @escaping @Sendable (Double, String?) -> Void) async -> ServedToolResult
    /// `{name, description, arguments?}` per prompt.
    func prompts() -> [JSONValue]
    /// The messages of a prompt, or nil when there is no such prompt.
    func prompt(named name: String, arguments: [String: String]) -> (description: String, messages: [JSONValue])?
    /// `{uri, name, description?, mimeType?}` per resource.
    func resources() -> [JSONValue]
    /// `{uri, mimeType?, text}` or `{uri, mimeType?, blob}` items, or nil for an unknown URI.
    func read(uri: String) -> [JSONValue]?
}

extension ServerLibrary {
    public var validatesArguments: Bool { false }
}

/// A tool's answer: content blocks, optional structured content, and whether it failed.
public struct ServedToolResult: Sendable {
    public var content: [JSONValue]
    public var structuredContent: JSONValue?
    public var isError: Bool

    public init(content: [JSONValue], structuredContent: JSONValue? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    public static func error(_ text: String) -> ServedToolResult {
        ServedToolResult(content: [["type": "text", "text": .string(text)]], isError: true)
    }
}
