import Foundation
import MementoCore

/// Runs a skill's tools in isolation and reports what the skill did. Verify decides what the
/// observations mean; the host (which can start runners and MCP servers) provides the sandbox.
public protocol ExecutionSandbox: Sendable {
    /// Why this sandbox cannot run on this machine (bubblewrap or strace missing), or nil.
    var unavailableReason: String? { get }
    /// Starts the skill in `folder`, calls each of `calls`, stops it, and returns the trace.
    func run(skillAt folder: URL, manifest: SkillManifest, calls: [SampleCall]) -> ExecutionTrace
}

/// One tool call with arguments generated from its schema.
public struct SampleCall: Sendable {
    public let tool: String
    public let arguments: JSONValue

    public init(tool: String, arguments: JSONValue) {
        self.tool = tool
        self.arguments = arguments
    }
}

/// What a skill did in the sandbox, from its system calls.
public struct ExecutionTrace: Sendable {
    /// One system call worth reporting: what it was and its result, as strace printed them.
    public struct Event: Sendable, Equatable {
        public let summary: String
        /// The file or address it concerned; for a write in home, relative to home.
        public let path: String

        public init(summary: String, path: String) {
            self.summary = summary
            self.path = path
        }
    }

    /// How a sample call ended.
    public enum Outcome: Sendable, Equatable {
        case answered
        /// The tool ran and reported a failure: it was observed all the same.
        case toolError(String)
        case crashed(String)
        case timedOut(String)
    }

    public struct Call: Sendable {
        public let tool: String
        public let outcome: Outcome

        public init(tool: String, outcome: Outcome) {
            self.tool = tool
            self.outcome = outcome
        }
    }

    public var calls: [Call] = []
    /// Set when the skill could not be started at all.
    public var startFailure: String?
    /// Programs started by the skill (the skill's own entry program excluded).
    public var spawned: [Event] = []
    /// Attempts to reach another host: connect(2) and sendto(2) to an IP address.
    public var network: [Event] = []
    /// Files created, written, renamed or removed outside the work directory and /tmp.
    public var writes: [Event] = []
    /// The same, in the (throwaway) home directory; paths relative to it.
    public var homeWrites: [Event] = []

    public init() {}
}
