#if canImport(Glibc)
import Glibc
#endif
import MementoCore

/// One live runner: started, handshaken, called one request at a time. Any failure ends it;
/// `RunnerClient` decides whether and when to start another.
final class RunnerProcess {
    let child: ChildProcess
    let skill: String
    private(set) var ready: JSONValue = .null
    private var nextID = 1

    /// `spin` is the polling window both sides use (`SpinWait`); the runner learns it from its environment.
    init(skill: String, configuration: RunnerConfiguration, spin: Duration) throws(RunnerError) {
        self.skill = skill
        var environment = configuration.environment
        environment[SpinWait.environmentKey] = SpinWait.environmentValue(spin)
        do {
            child = try ChildProcess(executable: configuration.executable, arguments: configuration.arguments, environment: environment,
                                     spin: spin, forwardStderr: configuration.forwardStderr)
        } catch {
            throw .startFailed(skill: skill, reason: error.reason)
        }
        let line = try receive(deadline: .now + configuration.startupTimeout, timeout: configuration.startupTimeout)
        switch line["method"]?.stringValue {
        case RunnerProtocol.ready:
            ready = line["params"] ?? .null
        case RunnerProtocol.failed:
            let message = line["params"]?["message"]?.stringValue ?? "no reason given"
            _ = child.exitedStatus(waitingUpTo: .seconds(1)) ?? child.kill()
            throw .refused(skill: skill, message: message)
        default:
            child.kill()
            throw .protocolViolation(skill: skill, reason: "the first line was not a ready message: \(line.encoded().prefix(200))")
        }
    }

    /// One `invoke`: the plugin's JSON reply, or a `RunnerError` after which the runner is gone
    /// (except `.rejected`, which leaves it running).
    func call(_ invocation: ToolInvocation, arguments: JSONValue, timeout: Duration) throws(RunnerError) -> ToolResult {
        let id = nextID
        nextID += 1
        do {
            try RunnerProtocol.withRequest(id: id, invocation, arguments: arguments) { (line) throws(LineChannel.Failure) in
                try child.channel.write(frame: line)
            }
        } catch {
            throw ended()
        }
        let line = try readLine(deadline: .now + timeout, timeout: timeout)
        let reply: RunnerReply
        do {
            reply = try RunnerReply(line)
        } catch {
            throw notJSON(line, error)
        }
        guard reply.id == Int64(id) else {
            child.kill()
            throw .protocolViolation(skill: skill, reason: "expected the reply to request \(id), got \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        if let result = reply.result { return result }
        throw .rejected(skill: skill, message: reply.errorMessage ?? "a reply with neither a result nor an error")
    }

    /// Asks the runner to destroy the instance and exit; kills it if it does not within a second.
    func stop() {
        _ = try? child.channel.writeLine(Array(RunnerProtocol.notification(RunnerProtocol.shutdown, [:]).encoded().utf8))
        _ = child.exitedStatus(waitingUpTo: .seconds(1)) ?? child.kill()
    }

    private func receive(deadline: ContinuousClock.Instant, timeout: Duration) throws(RunnerError) -> JSONValue {
        let line = try readLine(deadline: deadline, timeout: timeout)
        do {
            return try JSONValue.parse(bytes: line)
        } catch {
            throw notJSON(line, error)
        }
    }

    private func readLine(deadline: ContinuousClock.Instant, timeout: Duration) throws(RunnerError) -> [UInt8] {
        do {
            return try child.channel.readLine(deadline: deadline)
        } catch .timedOut {
            child.kill()
            throw .timedOut(skill: skill, seconds: timeout.inSeconds)
        } catch .lineTooLong {
            child.kill()
            throw .protocolViolation(skill: skill, reason: "a line longer than \(LineChannel.maximumLineLength) bytes")
        } catch {
            throw ended()
        }
    }

    /// A line that is not JSON ends the runner: the stream can no longer be trusted.
    private func notJSON(_ line: [UInt8], _ error: JSONParseError) -> RunnerError {
        child.kill()
        return .protocolViolation(skill: skill, reason: "a line that is not JSON (\(error)): \(String(decoding: line.prefix(120), as: UTF8.self))")
    }

    /// The runner closed its output: it exited or was killed. Report how.
    private func ended() -> RunnerError {
        let status = child.exitedStatus(waitingUpTo: .seconds(2)) ?? child.kill()
        return .crashed(skill: skill, how: ChildProcess.describe(status), stderr: child.recentStderr)
    }
}
