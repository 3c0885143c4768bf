import MementoCore

/// A request id. Matched exactly: the number `1` and the string `"1"` are different ids, and a
/// number keeps its literal, so `1` and `1.0` differ too.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case number(JSONNumber)
    case string(String)

    public init(_ value: Int) { self = .number(JSONNumber(value)) }

    init?(json: JSONValue) {
        switch json {
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        default: return nil
        }
    }

    public var json: JSONValue {
        switch self {
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        }
    }

    public var description: String { json.encoded() }
}

/// One JSON-RPC 2.0 message. `params` and `result` stay `JSONValue`, so unknown fields and `_meta`
/// pass through untouched.
public enum JSONRPCMessage: Sendable, Equatable {
    case request(id: RequestID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    case response(id: RequestID, result: JSONValue)
    /// `id` is nil when the peer could not tell which request failed (a parse error).
    case error(id: RequestID?, JSONRPCError)

    /// Classifies a parsed line. Throws the error to answer with (`-32600`, id null if unknown).
    public init(json: JSONValue) throws(JSONRPCError) {
        guard case .object(let members) = json else {
            if case .array = json {
                throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "Batches are not supported")
            }
            throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "A message must be a JSON object")
        }
        guard members["jsonrpc"] == .string("2.0") else {
            throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "Missing \"jsonrpc\": \"2.0\"")
        }
        let rawID = members["id"]
        let id = rawID.flatMap(RequestID.init(json:))
        if let method = members["method"] {
            guard case .string(let name) = method else {
                throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "\"method\" must be a string")
            }
            let params = members["params"]
            if let params, params.objectValue == nil, params.arrayValue == nil {
                throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "\"params\" must be an object or an array")
            }
            guard let rawID else {
                self = .notification(method: name, params: params)
                return
            }
            guard let id else {
                throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "A request id must be a string or an integer, not \(rawID.typeName)")
            }
            self = .request(id: id, method: name, params: params)
        } else if let result = members["result"] {
            guard let id else {
                throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "A response needs a string or integer id")
            }
            self = .response(id: id, result: result)
        } else if let error = members["error"] {
            self = .error(id: id, JSONRPCError(json: error))
        } else {
            throw JSONRPCError(code: JSONRPCError.invalidRequest, message: "Neither a request, a notification nor a response")
        }
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let id, let method, let params):
            members["id"] = id.json
            members["method"] = .string(method)
            if let params { members["params"] = params }
        case .notification(let method, let params):
            members["method"] = .string(method)
            if let params { members["params"] = params }
        case .response(let id, let result):
            members["id"] = id.json
            members["result"] = result
        case .error(let id, let error):
            members["id"] = id?.json ?? .null
            members["error"] = error.json
        }
        return .object(members)
    }

    /// The wire form: compact JSON and a newline. `writeString` escapes every control byte, so
    /// the line can never contain a raw `\n`.
    public func framed() -> [UInt8] {
        var bytes: [UInt8] = []
        json.write(into: &bytes)
        bytes.append(0x0A)
        return bytes
    }
}
