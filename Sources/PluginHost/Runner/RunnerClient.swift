import Foundation
import MementoCore

/// How a runner is started and supervised.
public struct RunnerConfiguration: Sendable {
    public var executable: String
    public var arguments: [String]
    /// The runner's environment. `MEMENTO_RUNNER_SPIN_US` here sets how long both sides poll
    /// the pipes before they sleep (`SpinWait`).
    public var environment: [String: String]
    /// Each call's deadline; past it the runner is SIGKILLed.
    public var callTimeout: Duration = .seconds(30)
    public var startupTimeout: Duration = .seconds(15)
    /// After this many crashes or hangs within `crashWindow`, the skill is disabled.
    public var maxCrashes = 3
    public var crashWindow: Duration = .seconds(300)
    /// The delay before a restart doubles with each recent crash, from `backoffBase` up to `backoffMax`.
    public var backoffBase: Duration = .milliseconds(50)
    public var backoffMax: Duration = .seconds(2)
    /// Echo the runner's stderr (plugin logs, backtraces) to ours as well as keeping its tail.
    public var forwardStderr = false
    /// Crashes and disabling kept beyond this process, for the skill at `version`.
    public var crashLog: (any CrashLog)?
    public var version = "0.0.0"

    public init(executable: String, arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    /// `EXECUTABLE runner --skill ROOT`: the host binary re-executed in runner mode.
    public static func nativeSkill(root: String, executable: String) -> RunnerConfiguration {
        RunnerConfiguration(executable: executable, arguments: ["runner", "--skill", root])
    }
}

/// Calls one skill through a runner process, restarting it after a crash or a hang with
/// backoff, and disabling the skill after `maxCrashes` failures within `crashWindow`
/// (GStreamer's blacklist, plugin-abi.md §5 step 6). Calls are serialised.
public final class RunnerClient: @unchecked Sendable {
    public enum Status: Equatable, Sendable {
        case stopped
        case running(pid: Int32)
        case disabled(reason: String)
    }

    public let skill: String
    public let configuration: RunnerConfiguration
    private let lock = NSLock()
    private var process: RunnerProcess?
    private var crashes: [ContinuousClock.Instant] = []
    private var disabledError: RunnerError?
    public private(set) var starts = 0

    public init(skill: String, configuration: RunnerConfiguration) {
        self.skill = skill
        self.configuration = configuration
    }

    public var status: Status {
        lock.withLock {
            if let disabledError { return .disabled(reason: disabledError.description) }
            if let process { return .running(pid: process.child.pid) }
            return .stopped
        }
    }

    /// The runner's ready message (name, version, abi, pid), starting it if needed.
    public func start() throws(RunnerError) -> JSONValue {
        lock.lock()
        defer { lock.unlock() }
        return try live().ready
    }

    /// The reply's value: for a caller that looks into it.
    public func call(tool: String, arguments: JSONValue, settings: JSONValue? = nil) throws(RunnerError) -> JSONValue {
        try call(ToolInvocation(tool: tool, settings: settings), arguments: arguments).output
    }

    public func call(_ invocation: ToolInvocation, arguments: JSONValue) throws(RunnerError) -> ToolResult {
        lock.lock()
        defer { lock.unlock() }
        let runner = try live()
        do {
            return try runner.call(invocation, arguments: arguments, timeout: configuration.callTimeout)
        } catch .rejected(let skill, let message) {
            throw .rejected(skill: skill, message: message)
        } catch {
            process = nil
            recordCrash(error)
            throw error
        }
    }

    /// Stops the runner, if one runs. The client may start it again later.
    public func stop() {
        lock.withLock {
            process?.stop()
            process = nil
        }
    }

    deinit { process?.stop() }

    /// The running process, or a new one after the backoff. Caller holds the lock.
    private func live() throws(RunnerError) -> RunnerProcess {
        if let disabledError { throw disabledError }
        if let process { return process }
        // Asked only before a start: a running runner was allowed when it started, and the
        // store is far slower than a call.
        if let reason = configuration.crashLog?.disabledReason(skill: skill, version: configuration.version) {
            disabledError = .disabledEarlier(skill: skill, reason: reason)
            throw .disabledEarlier(skill: skill, reason: reason)
        }
        let recent = recentCrashes()
        if recent > 0 {
            let delay = min(configuration.backoffMax, configuration.backoffBase * (1 << min(recent - 1, 16)))
            Thread.sleep(forTimeInterval: delay.inSeconds)
        }
        // A setting the person got wrong is not the skill's fault: no crash is recorded for it.
        guard let spin = SpinWait.requested(in: configuration.environment) else {
            throw .startFailed(skill: skill, reason: "\(SpinWait.environmentKey) must be a whole number of microseconds (0 turns polling off), not '\(configuration.environment[SpinWait.environmentKey] ?? "")'")
        }
        starts += 1
        do {
            let started = try RunnerProcess(skill: skill, configuration: configuration, spin: spin)
            process = started
            return started
        } catch .refused(let skill, let message) {
            // A refusal is deterministic (bad hash, ABI): restarting cannot fix it, so disable now.
            let error = RunnerError.refused(skill: skill, message: message)
            disabledError = error
            throw error
        } catch {
            recordCrash(error)
            throw error
        }
    }

    private func recentCrashes() -> Int {
        let horizon = ContinuousClock.now - configuration.crashWindow
        crashes.removeAll { $0 < horizon }
        return crashes.count
    }

    private func recordCrash(_ error: RunnerError) {
        crashes.append(.now)
        var count = recentCrashes()
        if let log = configuration.crashLog {
            count = max(count, log.recordCrash(skill: skill, version: configuration.version, what: error.summary, window: configuration.crashWindow))
        }
        guard count >= configuration.maxCrashes else { return }
        let window = Double(configuration.crashWindow.components.seconds)
        let disabled = RunnerError.disabled(skill: skill, crashes: count, windowSeconds: window, last: error.summary)
        disabledError = disabled
        configuration.crashLog?.disable(skill: skill, version: configuration.version, reason: disabled.description)
    }
}
