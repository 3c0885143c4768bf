import MementoCore

/// A tool of an external server, as `tools/list` described it.
public struct MCPTool: Sendable, Equatable {
    public let server: String
    /// The server's own name for the tool, sent back in `tools/call`.
    public let name: String
    /// `SERVER__TOOL`: unique across servers, `[A-Za-z0-9_.-]`, at most 128 characters.
    public let qualifiedName: String
    public let title: String?
    public let description: String?
    public let inputSchema: JSONValue
    public let outputSchema: JSONValue?
    /// The schemas, each compiled when a call first needs it, not at every listing or call.
    public let inputValidator: LazySchemaValidator
    public let outputValidator: LazySchemaValidator?
    /// Untrusted hints (`readOnlyHint`, `destructiveHint`, …), passed on as they came.
    public let annotations: JSONValue?

    init?(server: String, json: JSONValue) {
        guard let name = json["name"]?.stringValue, !name.isEmpty else { return nil }
        self.server = server
        self.name = name
        self.qualifiedName = MCPTool.qualify(server: server, tool: name)
        self.title = json["title"]?.stringValue ?? json["annotations"]?["title"]?.stringValue
        self.description = json["description"]?.stringValue
        // A tool without parameters still has an object schema; be lenient with servers that omit it.
        self.inputSchema = json["inputSchema"] ?? ["type": "object"]
        self.outputSchema = json["outputSchema"]
        self.inputValidator = LazySchemaValidator(schema: inputSchema)
        self.outputValidator = outputSchema.map { LazySchemaValidator(schema: $0) }
        self.annotations = json["annotations"]
    }

    public static let separator = "__"
    static let maxNameLength = 128

    /// `SERVER__TOOL` with characters outside the tool-name alphabet replaced by `_` and the
    /// whole cut to 128 characters. The server name is already valid (see `MCPServerConfig`).
    public static func qualify(server: String, tool: String) -> String {
        let sanitized = String(String.UnicodeScalarView(tool.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar)) ? scalar : "_"
        }))
        return String((server + separator + sanitized).prefix(maxNameLength))
    }

    /// Splits `SERVER__TOOL` at the first separator; server names cannot contain it.
    public static func split(_ qualified: String) -> (server: String, tool: String)? {
        guard let range = qualified.range(of: separator) else { return nil }
        let server = String(qualified[..<range.lowerBound])
        let tool = String(qualified[range.upperBound...])
        guard !server.isEmpty, !tool.isEmpty else { return nil }
        return (server, tool)
    }
}
