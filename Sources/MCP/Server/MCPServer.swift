import Foundation
import MementoCore
import Synchronization

/// An MCP server on a pair of file descriptors, serving both protocol eras (mcp.md §7, §14):
/// the first message locks the connection's era; `initialize` selects legacy, a request with
/// the modern `_meta` envelope selects stateless 2026-07-28 serving.
public final class MCPServer: Sendable {
    public static let modernVersion = ProtocolVersion.latestModern
    static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    static let serverInfoKey = "io.modelcontextprotocol/serverInfo"
    /// Tool lists change only when skills are installed; a client may cache them this long.
    static let listTTLMilliseconds = 60_000

    private enum Era { case undetermined, legacy, modern }

    private let library: any ServerLibrary
    private let serverInfo: JSONValue
    private let instructions: String?
    private let era = Mutex(Era.undetermined)
    private let peerBox = Mutex<JSONRPCPeer?>(nil)
    private let toolList: [JSONValue]
    private let toolNames: Set<String>
    /// Each tool's input schema, compiled once; none when the library validates arguments itself.
    private let validators: [String: JSONSchemaValidator]

    public init(library: any ServerLibrary, name: String, version: String, instructions: String? = nil) {
        self.library = library
        self.serverInfo = ["name": .string(name), "version": .string(version)]
        self.instructions = instructions
        toolList = library.tools()
        toolNames = Set(toolList.compactMap { $0["name"]?.stringValue })
        var validators: [String: JSONSchemaValidator] = [:]
        for tool in toolList where !library.validatesArguments {
            if let name = tool["name"]?.stringValue { validators[name] = JSONSchemaValidator(schema: tool["inputSchema"] ?? ["type": "object"]) }
        }
        self.validators = validators
    }

    /// Serves until `input` reaches end of file, then fails in-flight work and returns once the
    /// last answer is written.
    public func run(input: Int32, output: Int32, maxLineBytes: Int = LineFramer.defaultMaxLineBytes) {
        let writer = PipeWriter(fd: output, label: "serve")
        let peer = JSONRPCPeer(label: "client", output: writer, invalidLines: .reply,
                               requestHandler: { [weak self] method, params throws(JSONRPCError) in
                                   guard let self else { throw JSONRPCError(code: JSONRPCError.internalError, message: "the server is shutting down") }
                                   return try await self.handle(method, params)
                               },
                               notificationHandler: { _, _ in })
        peerBox.withLock { $0 = peer }
        FramedReader.run(fd: input, maxLineBytes: maxLineBytes) { event in
            switch event {
            case .line(let line): peer.receive(line)
            case .oversized(let bytes, let head): peer.receiveOversizedLine(bytes: bytes, head: head, limit: maxLineBytes)
            }
        }
        peer.close(MCPError(.connectionClosed, server: "client", "the client closed stdin"))
        writer.close()
        writer.drain()
    }

    // MARK: Dispatch

    private func handle(_ method: String, _ params: JSONValue?) async throws(JSONRPCError) -> JSONValue {
        let modern = try resolveEra(method, params)
        let result: JSONValue
        // The 2026-07-28 protocol removed these; its clients never send them.
        if modern && ["ping", "logging/setLevel"].contains(method) {
            throw JSONRPCError(code: JSONRPCError.methodNotFound, message: "Method not found: \(method) (not part of the \(Self.modernVersion) protocol)")
        }
        switch method {
        case "initialize":
            result = try initialize(params)
        case "server/discover":
            result = ["supportedVersions": [.string(Self.modernVersion)], "capabilities": capabilities(modern: true),
                      "instructions": instructions.map(JSONValue.string) ?? .null, "ttlMs": .number(JSONNumber(Self.listTTLMilliseconds)), "cacheScope": "public"]
        case "ping":
            result = [:]
        case "logging/setLevel":
            // Declared for legacy clients; memento logs to stderr only, so there is nothing to route.
            guard let level = params?["level"]?.stringValue, Self.logLevels.contains(level) else {
                throw JSONRPCError(code: JSONRPCError.invalidParams, message: "level must be one of \(Self.logLevels.joined(separator: ", "))")
            }
            result = [:]
        case "tools/list":
            result = ["tools": .array(toolList)]
        case "tools/call":
            result = try await callTool(params)
        case "prompts/list":
            result = ["prompts": .array(library.prompts())]
        case "prompts/get":
            guard let name = params?["name"]?.stringValue else { throw JSONRPCError(code: JSONRPCError.invalidParams, message: "prompts/get needs a name") }
            var arguments: [String: String] = [:]
            for (key, value) in params?["arguments"]?.objectValue ?? [:] { arguments[key] = value.stringValue ?? value.encoded() }
            guard let prompt = library.prompt(named: name, arguments: arguments) else {
                throw JSONRPCError(code: JSONRPCError.invalidParams, message: "Unknown prompt: \(name)")
            }
            result = ["description": .string(prompt.description), "messages": .array(prompt.messages)]
        case "resources/list":
            result = ["resources": .array(library.resources())]
        case "resources/templates/list":
            result = ["resourceTemplates": []]
        case "resources/read":
            guard let uri = params?["uri"]?.stringValue else { throw JSONRPCError(code: JSONRPCError.invalidParams, message: "resources/read needs a uri") }
            guard let contents = library.read(uri: uri) else {
                throw JSONRPCError(code: -32002, message: "Resource not found", data: ["uri": .string(uri)])
            }
            result = ["contents": .array(contents)]
        default:
            throw JSONRPCError(code: JSONRPCError.methodNotFound, message: "Method not found: \(method)")
        }
        return modern ? completed(result, method: method) : result
    }

    /// Locks the era on the first request and checks the modern envelope. True for modern.
    private func resolveEra(_ method: String, _ params: JSONValue?) throws(JSONRPCError) -> Bool {
        let meta = params?["_meta"]
        let asksModern = meta?[Self.protocolVersionKey] != nil
        let current = era.withLock { era -> Era in
            if era == .undetermined {
                if method == "initialize" { era = .legacy } else if asksModern { era = .modern }
            }
            return era
        }
        switch current {
        case .modern:
            if method == "initialize" {
                throw JSONRPCError(code: JSONRPCError.unsupportedProtocolVersion,
                                   message: "connection is serving the \(Self.modernVersion) protocol; the initialize handshake is not accepted",
                                   data: ["supported": [.string(Self.modernVersion)]])
            }
            guard let version = meta?[Self.protocolVersionKey]?.stringValue else {
                throw JSONRPCError(code: JSONRPCError.invalidParams, message: "missing _meta[\"\(Self.protocolVersionKey)\"]: every request of the \(Self.modernVersion) protocol carries it")
            }
            guard ProtocolVersion.modern.contains(version) else {
                throw JSONRPCError(code: JSONRPCError.unsupportedProtocolVersion, message: "Unsupported protocol version: \(version)",
                                   data: ["supported": .array(ProtocolVersion.modern.map(JSONValue.string))])
            }
            guard meta?[Self.clientCapabilitiesKey]?.objectValue != nil else {
                throw JSONRPCError(code: JSONRPCError.invalidParams, message: "missing _meta[\"\(Self.clientCapabilitiesKey)\"]")
            }
            return true
        case .legacy, .undetermined:
            if method == "server/discover" { throw JSONRPCError(code: JSONRPCError.methodNotFound, message: "Method not found: server/discover") }
            return false
        }
    }

    static let logLevels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    private func initialize(_ params: JSONValue?) throws(JSONRPCError) -> JSONValue {
        guard let asked = params?["protocolVersion"]?.stringValue, !asked.isEmpty, params?["capabilities"]?.objectValue != nil,
              params?["clientInfo"]?["name"]?.stringValue != nil, params?["clientInfo"]?["version"]?.stringValue != nil else {
            throw JSONRPCError(code: JSONRPCError.invalidParams,
                               message: "initialize needs protocolVersion (a non-empty string), capabilities (an object) and clientInfo {name, version}")
        }
        let version = ProtocolVersion.legacy.contains(asked) ? asked : ProtocolVersion.latestLegacy
        var result: [String: JSONValue] = ["protocolVersion": .string(version), "capabilities": capabilities(modern: false), "serverInfo": serverInfo]
        if let instructions { result["instructions"] = .string(instructions) }
        return .object(result)
    }

    private func capabilities(modern: Bool) -> JSONValue {
        var capabilities: [String: JSONValue] = [
            "tools": ["listChanged": false], "prompts": ["listChanged": false], "resources": ["listChanged": false],
        ]
        if !modern { capabilities["logging"] = [:] }
        return .object(capabilities)
    }

    /// The modern result envelope: `resultType`, serverInfo, and cache hints on lists and reads.
    private func completed(_ result: JSONValue, method: String) -> JSONValue {
        guard case .object(var members) = result else { return result }
        members["resultType"] = "complete"
        var meta = members["_meta"]?.objectValue ?? [:]
        meta[Self.serverInfoKey] = serverInfo
        members["_meta"] = .object(meta)
        if method.hasSuffix("/list") || method == "resources/read" {
            members["ttlMs"] = .number(JSONNumber(Self.listTTLMilliseconds))
            members["cacheScope"] = "public"
        }
        return .object(members)
    }

    // MARK: Tools

    private func callTool(_ params: JSONValue?) async throws(JSONRPCError) -> JSONValue {
        guard let name = params?["name"]?.stringValue else { throw JSONRPCError(code: JSONRPCError.invalidParams, message: "tools/call needs a name") }
        guard toolNames.contains(name) else { throw JSONRPCError(code: JSONRPCError.invalidParams, message: "Unknown tool: \(name)") }
        let arguments = params?["arguments"] ?? [:]
        let problems = validators[name]?.validate(arguments, at: "arguments") ?? []
        guard problems.isEmpty else {
            // A model corrects itself from this text; it is a result, not a protocol error.
            return Self.json(.error("Invalid arguments for \(name): " + problems.joined(separator: "; ")))
        }
        let token = params?["_meta"]?["progressToken"]
        let peer = peerBox.withLock { $0 }
        let progress: @Sendable (Double, String?) -> Void = { value, message in
            guard let token, token != .null, let peer else { return }
            var notification: [String: JSONValue] = ["progressToken": token, "progress": JSONNumber(value).map(JSONValue.number) ?? 0]
            if let message { notification["message"] = .string(message) }
            peer.notify("notifications/progress", params: .object(notification))
        }
        return Self.json(await library.call(tool: name, arguments: arguments, progress: progress))
    }

    static func json(_ result: ServedToolResult) -> JSONValue {
        var members: [String: JSONValue] = ["content": .array(result.content), "isError": .bool(result.isError)]
        if let structured = result.structuredContent { members["structuredContent"] = structured }
        return .object(members)
    }
}
