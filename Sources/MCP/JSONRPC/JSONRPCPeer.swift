import Foundation
import Logging
import MementoCore
import Synchronization

/// One end of a JSON-RPC connection over a line transport, usable as a client or a server.
///
/// Inbound lines arrive through `receive(_:)` from a reader thread; outbound lines go to a
/// `MessageOutput`. The peer matches responses to pending requests by exact id, runs deadlines
/// that progress can extend up to a hard cap, sends `notifications/cancelled` on expiry or
/// cancellation, ignores late answers, and fails every pending request at once on `close`.
public final class JSONRPCPeer: Sendable {
    public typealias RequestHandler = @Sendable (_ method: String, _ params: JSONValue?) async throws(JSONRPCError) -> JSONValue
    public typealias NotificationHandler = @Sendable (_ method: String, _ params: JSONValue?) -> Void

    /// What to do with a line that is not a valid message.
    public enum InvalidLinePolicy: Sendable {
        /// Answer `-32700`/`-32600` with a null id, as a server must.
        case reply
        /// Log and skip: a client tolerates banners and other junk on a server's stdout.
        case skip
    }

    private struct Pending {
        let method: String
        let continuation: CheckedContinuation<JSONValue, any Error>
        let progressToken: JSONValue?
        let options: RequestOptions
        var deadline: ContinuousClock.Instant
        let hardDeadline: ContinuousClock.Instant
    }

    private struct State {
        var nextID = 1
        var pending: [RequestID: Pending] = [:]
        var progressTokens: [JSONValue: RequestID] = [:]
        var inbound: [RequestID: Task<Void, Never>] = [:]
        var closure: MCPError?
    }

    public let label: String
    private let output: any MessageOutput
    private let invalidLines: InvalidLinePolicy
    private let requestHandler: RequestHandler
    private let notificationHandler: NotificationHandler
    private let diagnostics: @Sendable () -> String
    private let state = Mutex(State())
    private let logger: Logger
    private let deadlines: DeadlineWatch

    /// - Parameters:
    ///   - label: the server (or client) name used in errors and logs.
    ///   - diagnostics: returns the peer process's stderr tail, attached to timeouts.
    public init(
        label: String, output: any MessageOutput, invalidLines: InvalidLinePolicy,
        diagnostics: @escaping @Sendable () -> String = { "" },
        requestHandler: @escaping RequestHandler,
        notificationHandler: @escaping NotificationHandler
    ) {
        self.label = label
        self.output = output
        self.invalidLines = invalidLines
        self.diagnostics = diagnostics
        self.requestHandler = requestHandler
        self.notificationHandler = notificationHandler
        self.logger = Logger(label: "memento.mcp.\(label)")
        deadlines = DeadlineWatch(label: label)
        deadlines.attach { [weak self] now in self?.expireRequests(at: now) }
    }

    deinit { deadlines.stop() }

    // MARK: Outbound

    /// Sends a request and waits for its result. Throws `MCPError` for a remote error, a
    /// timeout, a closed connection or cancellation.
    public func request(_ method: String, params: JSONValue?, options: RequestOptions = RequestOptions()) async throws(MCPError) -> JSONValue {
        do {
            return try await send(method, params: params, options: options)
        } catch let error as MCPError {
            throw error
        } catch {
            // Only MCPError is ever resumed; this keeps the signature typed.
            throw MCPError(.protocolViolation, server: label, "\(method) failed: \(error)")
        }
    }

    private func send(_ method: String, params: JSONValue?, options: RequestOptions) async throws -> JSONValue {
        let (id, token) = state.withLock { state -> (RequestID, JSONValue?) in
            defer { state.nextID += 1 }
            let token: JSONValue? = options.trackProgress ? .string("memento-\(label)-\(state.nextID)") : nil
            return (RequestID(state.nextID), token)
        }
        let message = JSONRPCMessage.request(id: id, method: method, params: Self.adding(progressToken: token, to: params))
        let start = ContinuousClock.now
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
                let refusal: MCPError? = state.withLock { state in
                    if let closure = state.closure { return closure }
                    if Task.isCancelled { return MCPError(.cancelled, server: label, "\(method) was cancelled before it was sent") }
                    state.pending[id] = Pending(
                        method: method, continuation: continuation, progressToken: token, options: options,
                        deadline: start + options.timeout, hardDeadline: start + options.maxTotal)
                    if let token { state.progressTokens[token] = id }
                    return nil
                }
                if let refusal {
                    continuation.resume(throwing: refusal)
                    return
                }
                output.send(message.framed())
                deadlines.schedule(start + options.timeout)
            }
        } onCancel: {
            abandon(id, error: MCPError(.cancelled, server: label, "\(method) was cancelled"), reason: "cancelled by the user")
        }
    }

    public func notify(_ method: String, params: JSONValue? = nil) {
        output.send(JSONRPCMessage.notification(method: method, params: params).framed())
    }

    /// Fails every pending request with `error`, refuses new ones, and stops inbound handlers.
    /// Idempotent: the first error wins.
    public func close(_ error: MCPError) {
        let (pending, inbound) = state.withLock { state -> ([Pending], [Task<Void, Never>]) in
            guard state.closure == nil else { return ([], []) }
            state.closure = error
            defer {
                state.pending = [:]
                state.progressTokens = [:]
                state.inbound = [:]
            }
            return (Array(state.pending.values), Array(state.inbound.values))
        }
        deadlines.stop()
        for entry in pending { entry.continuation.resume(throwing: error) }
        for task in inbound { task.cancel() }
    }

    public var isClosed: Bool { state.withLock { $0.closure != nil } }

    private static func adding(progressToken token: JSONValue?, to params: JSONValue?) -> JSONValue? {
        guard let token else { return params }
        var members = params?.objectValue ?? [:]
        var meta = members["_meta"]?.objectValue ?? [:]
        meta["progressToken"] = token
        members["_meta"] = .object(meta)
        return .object(members)
    }

    /// Fails the requests whose deadline has passed (progress may have moved a deadline since
    /// it was scheduled); returns the earliest deadline still ahead.
    private func expireRequests(at now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let (due, next) = state.withLock { state -> ([(RequestID, Pending)], ContinuousClock.Instant?) in
            var due: [(RequestID, Pending)] = []
            var next: ContinuousClock.Instant?
            for (id, entry) in state.pending {
                if entry.deadline <= now {
                    due.append((id, entry))
                } else {
                    next = min(next ?? entry.deadline, entry.deadline)
                }
            }
            return (due, next)
        }
        for (id, entry) in due {
            let why = entry.deadline >= entry.hardDeadline
                ? "reached its limit of \(entry.options.maxTotal)"
                : "got no answer or progress for \(entry.options.timeout)"
            abandon(id, error: MCPError(.timedOut, server: label, "\(entry.method) timed out: it \(why)", stderrTail: diagnostics()), reason: "timed out")
        }
        return next
    }

    /// Gives up on a request: fails the caller, tells the peer (unless forbidden), and forgets
    /// the id so a late answer is ignored.
    private func abandon(_ id: RequestID, error: MCPError, reason: String) {
        guard let entry = state.withLock({ state -> Pending? in
            guard let entry = state.pending.removeValue(forKey: id) else { return nil }
            if let token = entry.progressToken { state.progressTokens[token] = nil }
            return entry
        }) else { return }
        if entry.options.sendsCancellation {
            notify("notifications/cancelled", params: ["requestId": id.json, "reason": .string(reason)])
        }
        entry.continuation.resume(throwing: error)
    }

    // MARK: Inbound

    /// Handles one inbound line. Called from the transport's reader, one line at a time.
    public func receive(_ line: UnsafeBufferPointer<UInt8>) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            rejectLine(JSONRPCError(code: JSONRPCError.parseError, message: "Parse error: \(error)"), sample: line)
            return
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(json: value)
        } catch {
            rejectLine(error, sample: line)
            return
        }
        dispatch(message)
    }

    /// Reports a line the framer dropped for exceeding its cap. When its head shows it was the
    /// response to a pending request, that request fails now instead of timing out later.
    public func receiveOversizedLine(bytes: Int, head: [UInt8], limit: Int) {
        logger.warning("dropped a \(bytes)-byte line from '\(label)': over the \(limit)-byte line limit")
        if let id = Self.responseID(inHead: head) {
            let method = state.withLock { $0.pending[id]?.method } ?? "request"
            resolve(id, with: .failure(MCPError(.protocolViolation, server: label, "the answer to \(method) was \(bytes) bytes, over the \(limit)-byte message limit")))
        }
        if invalidLines == .reply {
            output.send(JSONRPCMessage.error(id: nil, JSONRPCError(code: JSONRPCError.invalidRequest, message: "Message exceeds the size limit")).framed())
        }
    }

    /// Finds a top-level `"id"` at the start of a response line without parsing the rest.
    /// Requests and notifications (a `"method"` first) are left alone.
    static func responseID(inHead head: [UInt8]) -> RequestID? {
        let text = String(decoding: head, as: UTF8.self)
        guard let key = text.range(of: #""id":"#) else { return nil }
        let before = text[..<key.lowerBound]
        guard !before.contains(#""method""#), before.filter({ $0 == "{" }).count == 1 else { return nil }
        let rest = text[key.upperBound...].drop(while: { $0 == " " })
        if rest.first == "\"" {
            guard let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            return .string(String(rest[rest.index(after: rest.startIndex)..<close]))
        }
        let literal = rest.prefix(while: { $0.isNumber || $0 == "-" || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" })
        return JSONNumber(validating: String(literal)).map(RequestID.number)
    }

    private func rejectLine(_ error: JSONRPCError, sample line: UnsafeBufferPointer<UInt8>) {
        switch invalidLines {
        case .reply:
            output.send(JSONRPCMessage.error(id: nil, error).framed())
        case .skip:
            let preview = String(decoding: line.prefix(120), as: UTF8.self)
            logger.warning("skipped a non-message line from '\(label)': \(error.message): \(preview)")
        }
    }

    private func dispatch(_ message: JSONRPCMessage) {
        switch message {
        case .response(let id, let result):
            resolve(id, with: .success(result))
        case .error(let id?, let error):
            resolve(id, with: .failure(MCPError(.remote(error), server: label, error.description)))
        case .error(nil, let error):
            logger.warning("'\(label)' reported an error without an id: \(error)")
        case .notification("notifications/progress", let params):
            progress(params)
        case .notification("notifications/cancelled", let params):
            if let id = params?["requestId"].flatMap(RequestID.init(json:)) {
                let task = state.withLock { $0.inbound.removeValue(forKey: id) }
                task?.cancel()
            }
        case .notification(let method, let params):
            notificationHandler(method, params)
        case .request(let id, let method, let params):
            serve(id, method: method, params: params)
        }
    }

    private func resolve(_ id: RequestID, with outcome: Result<JSONValue, MCPError>) {
        let entry = state.withLock { state -> Pending? in
            guard let entry = state.pending.removeValue(forKey: id) else { return nil }
            if let token = entry.progressToken { state.progressTokens[token] = nil }
            return entry
        }
        // No entry: a late answer to a request we abandoned, or an id we never sent.
        guard let entry else {
            logger.debug("ignored an answer for unknown or abandoned id \(id) from '\(label)'")
            return
        }
        entry.continuation.resume(with: outcome.mapError { $0 as any Error })
    }

    private func progress(_ params: JSONValue?) {
        guard let token = params?["progressToken"], let progress = params?["progress"]?.doubleValue else { return }
        let update = ProgressUpdate(progress: progress, total: params?["total"]?.doubleValue, message: params?["message"]?.stringValue)
        let handler = state.withLock { state -> (@Sendable (ProgressUpdate) -> Void)?? in
            guard let id = state.progressTokens[token], var entry = state.pending[id] else { return nil }
            entry.deadline = min(ContinuousClock.now + entry.options.timeout, entry.hardDeadline)
            state.pending[id] = entry
            return .some(entry.options.onProgress)
        }
        if case .some(.some(let onProgress)) = handler { onProgress(update) }
    }

    /// Runs a handler for a peer's request in its own task and answers unless cancelled.
    private func serve(_ id: RequestID, method: String, params: JSONValue?) {
        let handler = requestHandler
        // Registered under the lock that the task's own completion takes, so even an instant
        // handler finds its entry.
        state.withLock { state in
            guard state.closure == nil else { return }
            state.inbound[id] = Task { [weak self] in
                let reply: JSONRPCMessage
                do throws(JSONRPCError) {
                    reply = .response(id: id, result: try await handler(method, params))
                } catch {
                    reply = .error(id: id, error)
                }
                guard let self else { return }
                // A cancelled request gets no answer, as the spec asks.
                let stillWanted = self.state.withLock { $0.inbound.removeValue(forKey: id) != nil }
                if stillWanted && !Task.isCancelled { self.output.send(reply.framed()) }
            }
        }
    }
}
