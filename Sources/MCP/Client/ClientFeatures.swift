import Foundation
import MementoCore

/// A `notifications/message` from a server.
public struct ServerLogMessage: Sendable {
    public let server: String
    public let level: String
    public let logger: String?
    public let data: JSONValue
}

/// A form elicitation a server asked for (legacy `elicitation/create`, or one input of a modern
/// `input_required` result).
public struct ElicitationRequest: Sendable {
    public let server: String
    public let message: String
    /// A flat object schema of primitive properties.
    public let requestedSchema: JSONValue
}

/// Answers elicitations; returns `{"action": "accept"|"decline"|"cancel", "content"?: {...}}`.
public protocol Elicitor: Sendable {
    func elicit(_ request: ElicitationRequest) async -> JSONValue
}

/// A root offered to servers through `roots/list`.
public struct MCPRoot: Sendable, Equatable {
    public let uri: String
    public let name: String?
    public init(uri: String, name: String? = nil) {
        self.uri = uri
        self.name = name
    }

    /// A directory as a `file://` root.
    public static func directory(_ path: String) -> MCPRoot {
        MCPRoot(uri: "file://" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path), name: nil)
    }
}

/// What memento offers servers, and where their notifications go.
public struct ClientFeatures: Sendable {
    /// Answered to `roots/list`; `file://` URIs.
    public var roots: [MCPRoot]
    /// nil declines every elicitation (non-interactive use).
    public var elicitor: (any Elicitor)?
    /// Level asked for: `logging/setLevel` (legacy) or `_meta` logLevel (modern); nil asks none.
    public var logLevel: String?
    public var onLog: @Sendable (ServerLogMessage) -> Void

    public init(
        roots: [MCPRoot] = [], elicitor: (any Elicitor)? = nil, logLevel: String? = "info",
        onLog: @escaping @Sendable (ServerLogMessage) -> Void = { _ in }
    ) {
        self.roots = roots
        self.elicitor = elicitor
        self.logLevel = logLevel
        self.onLog = onLog
    }

    public static let clientInfo: JSONValue = ["name": "memento", "version": .string(MementoVersion.current)]

    /// Only what is implemented is declared. Sampling is not, until an LLM is configured.
    var legacyCapabilities: JSONValue {
        var capabilities: [String: JSONValue] = ["roots": ["listChanged": false]]
        if elicitor != nil { capabilities["elicitation"] = ["form": [:]] }
        return .object(capabilities)
    }

    var modernCapabilities: JSONValue {
        var capabilities: [String: JSONValue] = ["roots": [:]]
        if elicitor != nil { capabilities["elicitation"] = ["form": [:]] }
        return .object(capabilities)
    }

    static let declineElicitation: JSONValue = ["action": "decline"]

    func answerElicitation(server: String, params: JSONValue?) async -> JSONValue {
        // URL mode would send the user to a web page; without a browser flow, decline it.
        guard let elicitor, (params?["mode"]?.stringValue ?? "form") == "form" else { return Self.declineElicitation }
        return await elicitor.elicit(ElicitationRequest(
            server: server, message: params?["message"]?.stringValue ?? "",
            requestedSchema: params?["requestedSchema"] ?? [:]))
    }

    var rootsResult: JSONValue {
        .object(["roots": .array(roots.map { root in
            var entry: [String: JSONValue] = ["uri": .string(root.uri)]
            if let name = root.name { entry["name"] = .string(name) }
            return .object(entry)
        })])
    }

    static let samplingUnavailable = JSONRPCError(
        code: JSONRPCError.invalidRequest,
        message: "Sampling is declined: memento has no LLM configured for MCP servers")
}
