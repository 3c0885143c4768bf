import MementoCore

/// Every failure the MCP engine reports. It names the server and carries the tail of the
/// server's stderr, because that is usually where the real cause is.
public struct MCPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered with a JSON-RPC error.
        case remote(JSONRPCError)
        /// No answer before the deadline (the deadline moves with progress, up to a hard cap).
        case timedOut
        /// The server exited or closed its stdout while requests were pending.
        case connectionClosed
        /// The caller cancelled (Ctrl-C or task cancellation).
        case cancelled
        /// The process could not be started (missing executable, bad cwd, …).
        case spawnFailed
        /// The server broke the protocol (bad handshake, unsupported version, malformed result).
        case protocolViolation
        /// Too many crashes in a short time; restarts are suspended.
        case suspended
        /// mcp.json or a command line is wrong.
        case configuration
        /// No such tool or server.
        case notFound
    }

    public let kind: Kind
    public let server: String
    public let message: String
    public let stderrTail: String

    public init(_ kind: Kind, server: String, _ message: String, stderrTail: String = "") {
        self.kind = kind
        self.server = server
        self.message = message
        self.stderrTail = stderrTail
    }

    public var description: String {
        let subject = server.isEmpty ? "mcp" : "mcp server '\(server)'"
        var text = "\(subject): \(message)"
        let tail = stderrTail.trimmingTrailingWhitespace()
        if !tail.isEmpty {
            text += "\n--- last stderr lines of '\(server)' ---\n" + tail
        }
        return text
    }

    /// The same failure with the stderr tail filled in, for errors raised below the supervisor.
    func withStderrTail(_ tail: String) -> MCPError {
        guard stderrTail.isEmpty else { return self }
        return MCPError(kind, server: server, message, stderrTail: tail)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
