import MementoCore

/// The runner's line-delimited JSON-RPC 2.0, version 1 (plugin-abi.md §3, §5 step 6).
///
/// - runner → host, first line: `{"method":"ready","params":{"abi":"1.0","protocol":1,"name":…,"version":…,"pid":…}}`,
///   or `{"method":"failed","params":{"message":…}}` when the skill could not be loaded.
/// - host → runner: `{"id":N,"method":"invoke","params":{"tool":…,"settings":{…},"arguments":{…}}}`; the
///   runner answers `{"id":N,"result":<the plugin's JSON reply>}` or a JSON-RPC `error` when the
///   request itself was unusable.
/// - host → runner: `{"method":"shutdown"}`, or EOF on its stdin: destroy the instance and exit 0.
enum RunnerProtocol {
    static let version = 1
    static let ready = "ready"
    static let failed = "failed"
    static let invoke = "invoke"
    static let shutdown = "shutdown"
    static let null = Array("null".utf8)

    static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": params]
    }

    /// Calls `body` with the invoke request line, newline included, written straight into one
    /// buffer: it is on every call's path.
    static func withRequest<Result, Failure: Error>(id: Int, _ invocation: ToolInvocation, arguments: JSONValue,
                                                    _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        var prefix = requestStart
        prefix.reserveCapacity(requestStart.count + 20 + requestMiddle.count + invocation.headCount)
        prefix.append(contentsOf: String(id).utf8)
        prefix.append(contentsOf: requestMiddle)
        return try invocation.withEnvelope(arguments, framedBy: prefix, and: requestEnd, body)
    }

    private static let requestStart = Array(#"{"id":"#.utf8)
    private static let requestMiddle = Array(#","jsonrpc":"2.0","method":"\#(invoke)","params":"#.utf8)
    private static let requestEnd = Array("}\n".utf8)

    /// The reply line to an invoke, newline included, with the tool's reply (JSON on one line)
    /// spliced in as it is. `id` is the request's id as it was written.
    static func result(id: [UInt8], _ reply: [UInt8]) -> [UInt8] {
        var line = resultStart
        line.reserveCapacity(resultStart.count + id.count + resultMiddle.count + reply.count + 2)
        line.append(contentsOf: id)
        line.append(contentsOf: resultMiddle)
        line.append(contentsOf: reply)
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    private static let resultStart = Array(#"{"id":"#.utf8)
    private static let resultMiddle = Array(#","jsonrpc":"2.0","result":"#.utf8)

    /// Checks `line` and finds where the value of each of `names` lies among its top-level
    /// members (the last of a repeated name), nil for a name it does not have.
    static func members(_ names: [StaticString], of line: [UInt8]) throws(JSONParseError) -> [Range<Int>?] {
        var found = [Range<Int>?](repeating: nil, count: names.count)
        try line.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in
                try JSONValue.validate(buffer) { name, value in
                    if let index = names.firstIndex(where: { name.spells($0) }) { found[index] = value }
                }
            }
        }.get()
        return found
    }

    /// The line refusing a request, newline included.
    static func error(id: [UInt8], code: Int, message: String) -> [UInt8] {
        var line = Array(#"{"error":"#.utf8)
        JSONValue.object(["code": .number(JSONNumber(code)), "message": .string(message)]).write(into: &line)
        line.append(contentsOf: #","id":"#.utf8)
        line.append(contentsOf: id)
        line.append(contentsOf: ",\"jsonrpc\":\"2.0\"}\n".utf8)
        return line
    }
}

/// A line the runner received, checked as JSON and split at its top-level members without
/// building them: an invoke's params go on to a native skill as the very bytes the host wrote.
struct RunnerRequest {
    /// The id as written (`null` when there is none), for the reply.
    let id: [UInt8]
    /// Nil when absent or not a string.
    let method: String?
    let params: [UInt8]?

    /// Nil when the line is not one JSON value.
    init?(_ line: [UInt8]) {
        guard let found = try? RunnerProtocol.members(RunnerRequest.members, of: line) else { return nil }
        id = found[0].map { Array(line[$0]) } ?? RunnerProtocol.null
        method = found[1].flatMap { range in
            // The host writes "invoke" plainly on every call; anything else is parsed.
            line[range].elementsEqual(RunnerRequest.invokeAsWritten) ? RunnerProtocol.invoke : (try? JSONValue.parse(bytes: line[range]))?.stringValue
        }
        params = found[2].map { Array(line[$0]) }
    }

    private static let members: [StaticString] = ["id", "method", "params"]
    private static let invokeAsWritten = Array(#""\#(RunnerProtocol.invoke)""#.utf8)
}

/// The runner's answer to one invoke, split like a request: the result stays the text the
/// runner sent, checked, not parsed.
struct RunnerReply {
    let id: Int64?
    let result: ToolResult?
    /// The JSON-RPC error's message, when the runner refused the request itself.
    let errorMessage: String?

    private static let members: [StaticString] = ["id", "result", "error"]

    init(_ line: [UInt8]) throws(JSONParseError) {
        let found = try RunnerProtocol.members(RunnerReply.members, of: line)
        // The host writes each id as a plain integer, and a runner repeats it as written.
        id = found[0].flatMap { Int64(String(decoding: line[$0], as: UTF8.self)) }
        result = try found[1].map { range throws(JSONParseError) in try ToolResult(checking: Array(line[range])) }
        errorMessage = found[2].map { range in
            let value = try? JSONValue.parse(bytes: line[range])
            return value?["message"]?.stringValue ?? String(decoding: line[range], as: UTF8.self)
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// True when these bytes are exactly `word`'s: member names compared without making strings.
    func spells(_ word: StaticString) -> Bool {
        count == word.utf8CodeUnitCount && elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
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

    /// The same, between what frames it (the runner's request line).
    func withEnvelope<Result, Failure: Error>(_ arguments: JSONValue, framedBy prefix: consuming [UInt8], and suffix: [UInt8],
                                              _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        prefix.append(contentsOf: head)
        return try arguments.withCompactEncoding(prefix: prefix, suffix: ToolInvocation.tail + suffix, body)
    }

    /// How many bytes precede the arguments, for a caller that reserves room for the envelope.
    var headCount: Int { head.count }

    private static let tail = Array("}".utf8)
}
