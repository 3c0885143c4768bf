import MementoCore

/// A JSON-RPC error object, as received from a peer or sent to one.
public struct JSONRPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: Int
    public let message: String
    public let data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String {
        guard let data else { return "\(message) (\(code))" }
        return "\(message) (\(code)): \(data.encoded())"
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["code": .number(JSONNumber(code)), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }

    /// Reads an error object; a malformed one still yields an error, since the peer meant failure.
    init(json: JSONValue) {
        code = json["code"]?.int64Value.map { Int($0) } ?? JSONRPCError.internalError
        message = json["message"]?.stringValue ?? "malformed error object: \(json.encoded())"
        data = json["data"]
    }

    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    /// What the Python and TypeScript SDKs report for a dead transport.
    public static let connectionClosed = -32000
    /// The TypeScript SDK's local timeout code.
    public static let requestTimedOut = -32001
    public static let missingClientCapability = -32021
    public static let unsupportedProtocolVersion = -32022
}
