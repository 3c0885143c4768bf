import MementoCore

/// One entry of `mcpServers` in mcp.json: the shape other MCP clients use (`command`, `args`,
/// `env`, `cwd`) plus memento's own fields, whose names carry their unit so they cannot be
/// mistaken for another client's millisecond `timeout`:
/// `era` (`auto`, `legacy` or a modern version), `requestTimeoutSeconds`, `toolTimeoutSeconds`,
/// `maxToolTimeoutSeconds`, `toolTimeouts` (`{"TOOL": seconds}`) and `maxMessageBytes`.
/// Fields we do not know are kept, so a rewrite of the file loses nothing.
public struct MCPServerConfig: Sendable, Equatable {
    public var name: String
    public var command: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    public var era: EraPin
    public var requestTimeout: Duration
    public var toolTimeout: Duration
    public var maxToolTimeout: Duration
    public var toolTimeouts: [String: Duration]
    /// The largest message line accepted from the server; a longer one fails its request.
    public var maxMessageBytes: Int
    private var unknownFields: [String: JSONValue]

    public static let defaultRequestTimeout = Duration.seconds(30)
    /// Tools run for minutes; progress keeps a long one alive up to the cap.
    public static let defaultToolTimeout = Duration.seconds(120)
    public static let defaultMaxToolTimeout = Duration.seconds(1800)

    public init(name: String, command: String, arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String? = nil, era: EraPin = .auto) {
        self.name = name
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.era = era
        self.requestTimeout = Self.defaultRequestTimeout
        self.toolTimeout = Self.defaultToolTimeout
        self.maxToolTimeout = Self.defaultMaxToolTimeout
        self.toolTimeouts = [:]
        self.maxMessageBytes = LineFramer.defaultMaxLineBytes
        self.unknownFields = [:]
    }

    private static let knownKeys: Set<String> = [
        "command", "args", "env", "cwd", "era", "requestTimeoutSeconds", "toolTimeoutSeconds",
        "maxToolTimeoutSeconds", "toolTimeouts", "maxMessageBytes",
    ]

    public init(name: String, json: JSONValue) throws(MCPError) {
        func invalid(_ detail: String) -> MCPError {
            MCPError(.configuration, server: name, "invalid server entry: \(detail)")
        }
        guard let members = json.objectValue else { throw invalid("expected an object, found \(json.typeName)") }
        try Self.validate(name: name)
        guard let command = members["command"]?.stringValue, !command.isEmpty else {
            if members["url"] != nil { throw invalid("only stdio servers (\"command\") are supported, not \"url\"") }
            throw invalid("\"command\" must be a non-empty string")
        }
        self.init(name: name, command: command)
        if let args = members["args"] {
            guard let items = args.arrayValue, let strings = Optional(items.compactMap(\.stringValue)), strings.count == items.count else {
                throw invalid("\"args\" must be an array of strings")
            }
            arguments = strings
        }
        if let env = members["env"] {
            guard let object = env.objectValue else { throw invalid("\"env\" must be an object of strings") }
            for (key, value) in object {
                guard let text = value.stringValue else { throw invalid("env \(key) must be a string") }
                environment[key] = text
            }
        }
        if let cwd = members["cwd"] {
            guard let text = cwd.stringValue else { throw invalid("\"cwd\" must be a string") }
            workingDirectory = text
        }
        if let eraText = members["era"] {
            guard let text = eraText.stringValue, let pin = EraPin(text) else {
                throw invalid("\"era\" must be \"auto\", \"legacy\" or one of \(ProtocolVersion.modern)")
            }
            era = pin
        }
        func seconds(_ key: String, _ value: JSONValue) throws(MCPError) -> Duration {
            guard let number = value.doubleValue, number > 0, number.isFinite else { throw invalid("\"\(key)\" must be a positive number of seconds") }
            return .milliseconds(Int64(number * 1000))
        }
        if let value = members["requestTimeoutSeconds"] { requestTimeout = try seconds("requestTimeoutSeconds", value) }
        if let value = members["toolTimeoutSeconds"] { toolTimeout = try seconds("toolTimeoutSeconds", value) }
        if let value = members["maxToolTimeoutSeconds"] { maxToolTimeout = try seconds("maxToolTimeoutSeconds", value) }
        if let value = members["toolTimeouts"] {
            guard let object = value.objectValue else { throw invalid("\"toolTimeouts\" must map tool names to seconds") }
            for (tool, limit) in object { toolTimeouts[tool] = try seconds("toolTimeouts.\(tool)", limit) }
        }
        if let value = members["maxMessageBytes"] {
            guard let bytes = value.int64Value, bytes >= 1024, bytes <= 1 << 30 else {
                throw invalid("\"maxMessageBytes\" must be an integer from 1024 to 1073741824")
            }
            maxMessageBytes = Int(bytes)
        }
        unknownFields = members.filter { !Self.knownKeys.contains($0.key) }
    }

    public var json: JSONValue {
        var members = unknownFields
        members["command"] = .string(command)
        if !arguments.isEmpty { members["args"] = .array(arguments.map(JSONValue.string)) }
        if !environment.isEmpty { members["env"] = .object(environment.mapValues(JSONValue.string)) }
        if let workingDirectory { members["cwd"] = .string(workingDirectory) }
        if era != .auto { members["era"] = .string(era.description) }
        func seconds(_ duration: Duration) -> JSONValue {
            let (whole, attoseconds) = duration.components
            return attoseconds == 0 ? .number(JSONNumber(whole)) : JSONNumber(duration.inSeconds).map(JSONValue.number) ?? .null
        }
        if requestTimeout != Self.defaultRequestTimeout { members["requestTimeoutSeconds"] = seconds(requestTimeout) }
        if toolTimeout != Self.defaultToolTimeout { members["toolTimeoutSeconds"] = seconds(toolTimeout) }
        if maxToolTimeout != Self.defaultMaxToolTimeout { members["maxToolTimeoutSeconds"] = seconds(maxToolTimeout) }
        if !toolTimeouts.isEmpty { members["toolTimeouts"] = .object(toolTimeouts.mapValues(seconds)) }
        if maxMessageBytes != LineFramer.defaultMaxLineBytes { members["maxMessageBytes"] = .number(JSONNumber(maxMessageBytes)) }
        return .object(members)
    }

    /// Server names become tool-name prefixes (`NAME__TOOL`), so they use the tool-name alphabet
    /// and may not contain the separator.
    public static func validate(name: String) throws(MCPError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x2E || byte == 0x5F
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, !name.contains("__") else {
            throw MCPError(.configuration, server: name, "a server name must be 1-64 characters of A-Z a-z 0-9 . _ - without \"__\"")
        }
    }

    /// The deadline policy for one tool: its own timeout if configured, else the server's.
    func toolCallOptions(for tool: String) -> (timeout: Duration, maxTotal: Duration) {
        let timeout = toolTimeouts[tool] ?? toolTimeout
        return (timeout, max(timeout, maxToolTimeout))
    }
}
