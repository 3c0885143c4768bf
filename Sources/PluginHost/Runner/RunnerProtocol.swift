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

    static func request(id: Int, tool: String, arguments: JSONValue, settings: JSONValue?) -> JSONValue {
        ["jsonrpc": "2.0", "id": .number(JSONNumber(id)), "method": .string(invoke),
         "params": ToolInvocation.envelope(tool: tool, arguments: arguments, settings: settings)]
    }

    static func result(id: JSONValue, _ value: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": value]
    }

    static func error(id: JSONValue, code: Int, message: String) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .number(JSONNumber(code)), "message": .string(message)]]
    }
}

/// The JSON a native skill's `invoke` receives: which tool, its arguments, and the skill's
/// settings from the host's configuration when it has any. Arguments come from the caller (a
/// model); settings come from the person who runs memento (allowed roots, hosts, limits), so a
/// skill trusts the second to restrict the first and never the other way round.
public enum ToolInvocation {
    public static func envelope(tool: String, arguments: JSONValue, settings: JSONValue? = nil) -> JSONValue {
        guard let settings else { return ["tool": .string(tool), "arguments": arguments] }
        return ["tool": .string(tool), "arguments": arguments, "settings": settings]
    }
}
