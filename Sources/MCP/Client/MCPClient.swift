import Foundation
import Logging
import MementoCore

/// The client for one configured external server: starts it on first use, restarts it after
/// a crash with backoff, suspends it in a crash loop, caches its tools, and calls them.
public actor MCPClient {
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        case stopped
        case running(NegotiatedEra)
        case suspended(reason: String)

        public var description: String {
            switch self {
            case .stopped: return "stopped"
            case .running(let era): return "running (\(era))"
            case .suspended(let reason): return "suspended: \(reason)"
            }
        }
    }

    /// A crash loop is this many unexpected exits within `crashWindow`.
    public static let crashLimit = 5
    public static let crashWindow = Duration.seconds(30)

    public let config: MCPServerConfig
    private let features: ClientFeatures
    private let spill: SpillPolicy
    private let logger: Logger

    private var connection: MCPConnection?
    private var starting: Task<MCPConnection, any Error>?
    private var recentCrashes: [ContinuousClock.Instant] = []
    private var suspension: String?
    private var lastFailure: MCPError?
    private var tools: ToolCache?
    /// Bumped by `shutdown`, so a start that was under way when it ran does not install its
    /// connection afterwards.
    private var generation = 0

    private struct ToolCache {
        let tools: [MCPTool]
        /// nil: valid until `list_changed` or a restart.
        let expires: ContinuousClock.Instant?
        let connection: ObjectIdentifier
    }

    public init(config: MCPServerConfig, features: ClientFeatures = ClientFeatures(), spill: SpillPolicy = SpillPolicy(directory: nil)) {
        self.config = config
        self.features = features
        self.spill = spill
        self.logger = Logger(label: "memento.mcp.\(config.name)")
    }

    public var status: Status {
        if let suspension { return .suspended(reason: suspension) }
        if let connection, connection.isAlive { return .running(connection.session.era) }
        return .stopped
    }

    /// Clears a crash-loop suspension, for a user who fixed the server.
    public func resume() {
        suspension = nil
        recentCrashes = []
    }

    /// Starts the server if it is not running (the "next use" restart) and returns its session.
    @discardableResult
    public func start() async throws(MCPError) -> NegotiatedEra {
        try await liveConnection().session.era
    }

    public var serverInfo: JSONValue? { connection?.session.serverInfo }

    /// The server's process id while it runs, for diagnostics.
    public var processID: Int32? { connection.flatMap { $0.isAlive ? $0.processID : nil } }

    public func shutdown() async {
        generation += 1
        starting?.cancel()
        starting = nil
        let current = connection
        connection = nil
        tools = nil
        await current?.shutdown()
    }

    // MARK: Tools

    /// Every tool, following `nextCursor` to the end. Cached per process: modern results for
    /// `ttlMs`, legacy ones until `notifications/tools/list_changed`.
    public func listTools() async throws(MCPError) -> [MCPTool] {
        let live = try await liveConnection()
        if let cache = tools, cache.connection == ObjectIdentifier(live), cache.expires.map({ ContinuousClock.now < $0 }) ?? true {
            return cache.tools
        }
        // A tool described as before is the same MCPTool, with the schemas it has compiled: a
        // server that allows no caching is listed at every call, and must not cost a compile too.
        let previous = Dictionary((tools?.tools ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var collected: [MCPTool] = []
        var cursor: JSONValue?
        var seenCursors: Set<JSONValue> = []
        var lastResult: JSONValue = [:]
        repeat {
            let params: JSONValue? = cursor.map { ["cursor": $0] }
            lastResult = try await live.request("tools/list", params: params, options: RequestOptions(timeout: config.requestTimeout))
            for entry in lastResult["tools"]?.arrayValue ?? [] {
                guard let tool = MCPTool(server: config.name, json: entry) else { continue }
                if let known = previous[tool.name], known == tool {
                    collected.append(known)
                } else {
                    collected.append(tool)
                }
            }
            cursor = lastResult["nextCursor"].flatMap { $0 == .null ? nil : $0 }
            // A server repeating a cursor would page forever.
            if let next = cursor, !seenCursors.insert(next).inserted {
                throw MCPError(.protocolViolation, server: config.name, "tools/list repeated the cursor \(next.encoded())")
            }
        } while cursor != nil
        tools = ToolCache(tools: collected, expires: cacheExpiry(lastResult, era: live.session.era), connection: ObjectIdentifier(live))
        return collected
    }

    private func cacheExpiry(_ result: JSONValue, era: NegotiatedEra) -> ContinuousClock.Instant? {
        guard era.isModern else { return nil }
        // Absent or negative ttlMs means 0: list again next time.
        let ttl = max(result["ttlMs"]?.int64Value ?? 0, 0)
        return ContinuousClock.now + .milliseconds(ttl)
    }

    /// Calls a tool by its server-side name. The deadline is the tool's timeout, extended by
    /// progress up to the hard cap; cancelling the calling task cancels the call.
    public func callTool(_ name: String, arguments: JSONValue?, onProgress: (@Sendable (ProgressUpdate) -> Void)? = nil) async throws(MCPError) -> ToolCallResult {
        let known = try await listTools()
        guard let tool = known.first(where: { $0.name == name }) else {
            throw MCPError(.notFound, server: config.name, "no tool '\(name)'; it offers \(known.map(\.name).joined(separator: ", "))")
        }
        return try await callTool(tool, arguments: arguments, onProgress: onProgress)
    }

    /// Calls a tool the caller has listed already, without listing the tools again.
    public func callTool(_ tool: MCPTool, arguments: JSONValue?, onProgress: (@Sendable (ProgressUpdate) -> Void)? = nil) async throws(MCPError) -> ToolCallResult {
        let name = tool.name
        let live = try await liveConnection()
        let limits = config.toolCallOptions(for: name)
        let options = RequestOptions(timeout: limits.timeout, maxTotal: limits.maxTotal, trackProgress: true, onProgress: onProgress)
        let result: JSONValue
        do {
            result = try await live.callTool(name, arguments: arguments, options: options)
        } catch {
            // Account for the crash now, so status is current when the caller looks; the
            // reader thread's own report then finds nothing left to do.
            if error.kind == .connectionClosed { connectionLost(error, processID: live.processID) }
            throw error
        }
        let read = ToolCallResult(reading: result, tool: tool, spill: spill)
        for warning in read.warnings { logger.warning("\(warning)") }
        return read
    }

    // MARK: Liveness

    private func liveConnection() async throws(MCPError) -> MCPConnection {
        if let connection, connection.isAlive { return connection }
        if let suspension {
            throw MCPError(.suspended, server: config.name, suspension + "; restarts stay suspended until memento restarts (check the server with `memento mcp list`)", stderrTail: lastFailure?.stderrTail ?? "")
        }
        if let starting {
            return try await Self.value(of: starting, server: config.name)
        }
        let delay = backoff()
        let config = self.config
        let features = self.features
        let events = MCPConnection.Events(
            onLost: { [weak self] error, processID in
                guard let self else { return }
                Task { await self.connectionLost(error, processID: processID) }
            },
            onToolsChanged: { [weak self] in
                guard let self else { return }
                Task { await self.invalidateTools() }
            })
        let task = Task { () async throws -> MCPConnection in
            if delay > .zero { try await Task.sleep(for: delay) }
            return try await MCPConnection.open(config, features: features, events: events)
        }
        starting = task
        let startedIn = generation
        defer { if generation == startedIn { starting = nil } }
        do throws(MCPError) {
            let opened = try await Self.value(of: task, server: config.name)
            guard generation == startedIn else {
                await opened.shutdown()
                throw MCPError(.cancelled, server: config.name, "the client was shut down while the server was starting")
            }
            connection = opened
            tools = nil
            return opened
        } catch {
            if error.kind != .cancelled && error.kind != .configuration { recordCrash(error) }
            throw error
        }
    }

    private static func value(of task: Task<MCPConnection, any Error>, server: String) async throws(MCPError) -> MCPConnection {
        do {
            return try await task.value
        } catch let error as MCPError {
            throw error
        } catch {
            throw MCPError(.cancelled, server: server, "starting the server was cancelled")
        }
    }

    /// Exponential, from 250 ms after the first recent crash to 8 s: quick to recover from a
    /// one-off crash, gentle on a server that keeps dying.
    private func backoff() -> Duration {
        pruneCrashes()
        guard !recentCrashes.isEmpty else { return .zero }
        let exponent = min(recentCrashes.count - 1, 5)
        return .milliseconds(250 * (1 << exponent))
    }

    private func pruneCrashes() {
        let horizon = ContinuousClock.now - Self.crashWindow
        recentCrashes.removeAll { $0 < horizon }
    }

    private func recordCrash(_ error: MCPError) {
        lastFailure = error
        recentCrashes.append(.now)
        pruneCrashes()
        if recentCrashes.count >= Self.crashLimit {
            suspension = "crashed \(recentCrashes.count) times within \(Self.crashWindow); last: \(error.message)"
            logger.error("\(suspension ?? "")")
        }
    }

    /// Forgets a dead connection and counts the crash, once per process.
    private func connectionLost(_ error: MCPError, processID: Int32) {
        guard let current = connection, current.processID == processID, !current.isAlive else { return }
        // Callers get the error itself; the log is for long-running hosts.
        logger.info("\(error.message)")
        connection = nil
        tools = nil
        recordCrash(error)
    }

    private func invalidateTools() {
        tools = nil
    }
}
