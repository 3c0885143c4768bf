import MementoCore

/// The runner's line-delimited JSON-RPC 2.0, version 1 (plugin-abi.md §3, §5 step 6).
///
/// - runner → host, first line: `{"method":"ready","params":{"abi":"1.0","protocol":1,"name":…,"version":…,"pid":…}}`,
///   or `{"method":"failed","params":{"message":…}}` when the skill could not be loaded.
/// - host → runner: `{"id":N,"method":"invoke","params":{"tool":…,"arguments":{…},"settings":{…}}}`; the
///   runner answers `{"id":N,"result":<the plugin's JSON reply>}` or a JSON-RPC `error` when the
///   request itself was unusable.
/// - host → runner: `{"method":"shutdown"}`, or EOF on its stdin: destroy the instance and exit 0.
enum RunnerProtocol {
    static let version = 1
    static let ready = "ready"
    static let failed = "failed"
    static let invoke = "invoke"
    static let shutdown = "shutdown"

    static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": params]
    }

    /// The invoke request line, written straight into bytes: it is on every call's path.
    static func request(id: Int, _ invocation: ToolInvocation, arguments: JSONValue) -> [UInt8] {
        var line = Array(#"{"id":\#(id),"jsonrpc":"2.0","method":"\#(invoke)","params":"#.utf8)
        line.reserveCapacity(line.count + 160)
        invocation.write(arguments, into: &line)
        line.append(UInt8(ascii: "}"))
        return line
    }

    /// The reply line to an invoke, written straight into bytes like the request, with the
    /// tool's reply (compact JSON) spliced in as it is.
    static func result(id: JSONValue, _ reply: [UInt8]) -> [UInt8] {
        var line = Array(#"{"id":"#.utf8)
        line.reserveCapacity(48 + reply.count)
        id.write(into: &line)
        line.append(contentsOf: #","jsonrpc":"2.0","result":"#.utf8)
        line.append(contentsOf: reply)
        line.append(UInt8(ascii: "}"))
        return line
    }

    static func error(id: JSONValue, code: Int, message: String) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .number(JSONNumber(code)), "message": .string(message)]]
    }
}

/// The JSON a native skill's `invoke` receives: which tool, its arguments, and the skill's
/// settings from the host's configuration when it has any. Arguments come from the caller (a
/// model); settings come from the person who runs memento (allowed roots, hosts, limits), so a
/// skill trusts the second to restrict the first and never the other way round.
public struct ToolInvocation: Sendable {
    public let tool: String
    /// `{"tool":"NAME","settings":…,"arguments":`: everything before the arguments, which the
    /// registry encodes once per tool rather than once per call. The arguments come last, so a
    /// plugin can take them as the rest of the request (SkillKit does).
    private let head: [UInt8]

    public init(tool: String, settings: JSONValue? = nil) {
        self.tool = tool
        var head = Array(#"{"tool":"#.utf8)
        JSONValue.string(tool).write(into: &head)
        if let settings {
            head.append(contentsOf: #","settings":"#.utf8)
            settings.write(into: &head)
        }
        head.append(contentsOf: #","arguments":"#.utf8)
        self.head = head
    }

    /// Calls `body` with `{"tool":…,"settings":…,"arguments":…}`, which lives for the call only.
    public func withEnvelope<Result, Failure: Error>(_ arguments: JSONValue, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try arguments.withCompactEncoding(prefix: head, suffix: ToolInvocation.tail, body)
    }

    private static let tail = Array("}".utf8)

    /// Appends the envelope, for a caller that frames it (the runner request).
    func write(_ arguments: JSONValue, into output: inout [UInt8]) {
        output.append(contentsOf: head)
        arguments.write(into: &output)
        output.append(contentsOf: ToolInvocation.tail)
    }
}
