import Foundation
import Logging
import MementoCore
import Synchronization

/// One running server process and the negotiated session on it. A connection never restarts;
/// `MCPClient` replaces it. Every request it sends carries the era's envelope.
final class MCPConnection: Sendable {
    struct Session: Sendable {
        let era: NegotiatedEra
        let capabilities: JSONValue
        let serverInfo: JSONValue?
        let instructions: String?
    }

    /// Callbacks to the owner; they run on reader threads.
    struct Events: Sendable {
        /// The process died or closed stdout without being asked to. `error` already failed
        /// every pending request.
        var onLost: @Sendable (_ error: MCPError, _ processID: Int32) -> Void
        var onToolsChanged: @Sendable () -> Void
    }

    /// How long the `server/discover` probe waits before assuming a silent legacy server.
    static let probeTimeout = Duration.seconds(5)
    /// Bound on `input_required` rounds, so a confused server cannot loop us forever.
    static let maxInputRounds = 8

    let config: MCPServerConfig
    let session: Session
    private let child: ChildProcess
    private let peer: JSONRPCPeer
    private let features: ClientFeatures
    /// Set once the connection is lost or closed on purpose; the first cause wins.
    private let ended: OnceFlag
    /// The modern `subscriptions/listen` stream, if one is open.
    private let subscription = Mutex<Task<Void, Never>?>(nil)
    /// A listen stream lasts as long as the process; its request must not time out.
    static let subscriptionTimeout = Duration.seconds(365 * 24 * 3600)

    private init(config: MCPServerConfig, session: Session, child: ChildProcess, peer: JSONRPCPeer, features: ClientFeatures, ended: OnceFlag) {
        self.config = config
        self.session = session
        self.child = child
        self.peer = peer
        self.features = features
        self.ended = ended
    }

    var processID: Int32 { child.pid }
    var isAlive: Bool { !peer.isClosed }

    /// Spawns the server and negotiates the era. On failure the process is stopped and the
    /// error carries its stderr tail.
    static func open(_ config: MCPServerConfig, features: ClientFeatures, events: Events) async throws(MCPError) -> MCPConnection {
        let environment: [String: String]
        do throws(ChildEnvironment.ExpansionError) {
            environment = try ChildEnvironment.build(configured: config.environment, host: ProcessInfo.processInfo.environment)
        } catch {
            throw MCPError(.configuration, server: config.name, error.description)
        }
        let spec = LaunchSpec(command: config.command, arguments: config.arguments, environment: environment, workingDirectory: config.workingDirectory)
        let name = config.name
        // Shared with the connection object, which exists only after negotiation.
        let ended = OnceFlag()
        var attachedPeer: JSONRPCPeer?
        let maxLineBytes = config.maxMessageBytes
        let child = try await ChildProcess.launch(spec, label: name, maxLineBytes: maxLineBytes) { child in
            let peer = JSONRPCPeer(
                label: name, output: child.stdin, invalidLines: .skip,
                diagnostics: { child.stderrTail.text() },
                requestHandler: { method, params throws(JSONRPCError) in
                    try await answer(method, params: params, server: name, features: features)
                },
                notificationHandler: { method, params in
                    switch method {
                    case "notifications/message":
                        features.onLog(ServerLogMessage(
                            server: name, level: params?["level"]?.stringValue ?? "info",
                            logger: params?["logger"]?.stringValue, data: params?["data"] ?? .null))
                    case "notifications/tools/list_changed":
                        events.onToolsChanged()
                    default:
                        break // Unknown notifications are ignored, as JSON-RPC asks.
                    }
                })
            attachedPeer = peer
            return ChildProcess.Handlers(
                onEvent: { event in
                    switch event {
                    case .line(let line): peer.receive(line)
                    case .oversized(let bytes, let head): peer.receiveOversizedLine(bytes: bytes, head: head, limit: maxLineBytes)
                    }
                },
                onLost: { cause in
                    guard ended.claim() else { return }
                    // Collect the exit status and the last stderr bytes before failing callers:
                    // the error is only useful with them. Both arrive within milliseconds.
                    child.awaitExit(timeout: .now() + .milliseconds(300))
                    child.awaitStderrEOF(timeout: .now() + .milliseconds(200))
                    let error = MCPError(.connectionClosed, server: name, "the server \(child.exitDescription ?? cause)", stderrTail: child.stderrTail.text())
                    peer.close(error)
                    events.onLost(error, child.pid)
                    // Release stdin and clear out whatever the server left in its process group
                    // (or the server itself, if only its stdout closed).
                    Task { await child.terminate(grace: .milliseconds(500)) }
                })
        }
        guard let peer = attachedPeer else {
            throw MCPError(.spawnFailed, server: name, "internal: the process started without a peer")
        }
        do {
            let session = try await negotiate(config, peer: peer, features: features)
            let connection = MCPConnection(config: config, session: session, child: child, peer: peer, features: features, ended: ended)
            await connection.setLegacyLogLevel()
            connection.listenForToolChanges()
            return connection
        } catch {
            _ = ended.claim()
            peer.close(error)
            await child.terminate(grace: .milliseconds(500))
            throw error.withStderrTail(child.stderrTail.text())
        }
    }

    /// Closes stdin, then SIGTERM, then SIGKILL; pending requests fail as closed by memento.
    func shutdown() async {
        // Cancelling the listen request sends notifications/cancelled, which ends the stream.
        subscription.withLock { $0?.cancel() }
        _ = ended.claim()
        peer.close(MCPError(.connectionClosed, server: config.name, "the connection was closed by memento"))
        await child.terminate()
    }

    // MARK: Requests

    /// Sends a request with the era's envelope; a modern result must say `resultType` complete
    /// (or omit it) unless the caller handles `input_required`.
    func request(_ method: String, params: JSONValue? = nil, options: RequestOptions) async throws(MCPError) -> JSONValue {
        let result = try await peer.request(method, params: envelope(params), options: options)
        if let type = result["resultType"]?.stringValue, type != "complete", type != "input_required" {
            throw MCPError(.protocolViolation, server: config.name, "\(method) returned an unknown resultType '\(type)'")
        }
        return result
    }

    /// `tools/call` with the modern `input_required` loop: gather the inputs, re-issue with a
    /// new id, echo `requestState` verbatim, at most `maxInputRounds` times.
    func callTool(_ name: String, arguments: JSONValue?, options: RequestOptions) async throws(MCPError) -> JSONValue {
        var params: [String: JSONValue] = ["name": .string(name)]
        if let arguments { params["arguments"] = arguments }
        for _ in 0..<Self.maxInputRounds {
            let result = try await request("tools/call", params: .object(params), options: options)
            guard result["resultType"]?.stringValue == "input_required" else { return result }
            params["inputResponses"] = try await gatherInputs(result["inputRequests"])
            params["requestState"] = result["requestState"]
        }
        throw MCPError(.protocolViolation, server: config.name, "\(name) still required input after \(Self.maxInputRounds) rounds")
    }

    private func envelope(_ params: JSONValue?) -> JSONValue? {
        guard case .modern(let version) = session.era else { return params }
        return Self.modernEnvelope(params, version: version, features: features)
    }

    static func modernEnvelope(_ params: JSONValue?, version: String, features: ClientFeatures) -> JSONValue {
        var members = params?.objectValue ?? [:]
        var meta = members["_meta"]?.objectValue ?? [:]
        meta["io.modelcontextprotocol/protocolVersion"] = .string(version)
        meta["io.modelcontextprotocol/clientInfo"] = ClientFeatures.clientInfo
        meta["io.modelcontextprotocol/clientCapabilities"] = features.modernCapabilities
        if let level = features.logLevel { meta["io.modelcontextprotocol/logLevel"] = .string(level) }
        members["_meta"] = .object(meta)
        return .object(members)
    }

    private func gatherInputs(_ requests: JSONValue?) async throws(MCPError) -> JSONValue {
        guard let requests = requests?.objectValue else {
            throw MCPError(.protocolViolation, server: config.name, "an input_required result without inputRequests")
        }
        var responses: [String: JSONValue] = [:]
        for (key, request) in requests {
            switch request["method"]?.stringValue {
            case "elicitation/create":
                responses[key] = await features.answerElicitation(server: config.name, params: request["params"])
            case "roots/list":
                responses[key] = features.rootsResult
            default:
                throw MCPError(.protocolViolation, server: config.name, "input request '\(key)' asks for \(request["method"]?.encoded() ?? "nothing"), which memento did not declare")
            }
        }
        return .object(responses)
    }

    /// Modern servers announce list changes only on a `subscriptions/listen` stream, whose
    /// response never comes while the stream lives; its notifications reach the ordinary
    /// handler. A server without the stream still has `ttlMs`, so a failure is only logged.
    private func listenForToolChanges() {
        guard session.era.isModern, session.capabilities["tools"]?["listChanged"] == true else { return }
        let options = RequestOptions(timeout: Self.subscriptionTimeout)
        let task = Task { [weak self] in
            guard let self else { return }
            do throws(MCPError) {
                _ = try await self.request("subscriptions/listen", params: ["notifications": ["toolsListChanged": true]], options: options)
            } catch where error.kind != .cancelled && error.kind != .connectionClosed {
                Logger(label: "memento.mcp.\(self.config.name)").debug("subscriptions/listen ended: \(error.message)")
            } catch {}
        }
        subscription.withLock { $0 = task }
    }

    /// Legacy servers that declare `logging` get our level; others log only if they choose to.
    private func setLegacyLogLevel() async {
        guard case .legacy = session.era, session.capabilities["logging"] != nil, let level = features.logLevel else { return }
        _ = try? await request("logging/setLevel", params: ["level": .string(level)], options: RequestOptions(timeout: config.requestTimeout))
    }

    /// Server-to-client requests (legacy era; modern servers must not send them).
    private static func answer(_ method: String, params: JSONValue?, server: String, features: ClientFeatures) async throws(JSONRPCError) -> JSONValue {
        switch method {
        case "ping": return [:]
        case "roots/list": return features.rootsResult
        case "elicitation/create": return await features.answerElicitation(server: server, params: params)
        case "sampling/createMessage": throw ClientFeatures.samplingUnavailable
        default: throw JSONRPCError(code: JSONRPCError.methodNotFound, message: "Method not found", data: .string(method))
        }
    }
}
