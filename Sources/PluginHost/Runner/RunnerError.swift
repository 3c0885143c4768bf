/// A call through a runner failed. The host is unaffected; the message says what happened to
/// the runner and what to do.
public enum RunnerError: Error, Equatable, Sendable, CustomStringConvertible {
    case startFailed(skill: String, reason: String)
    /// The runner started but refused the skill (a `PluginError`, as text).
    case refused(skill: String, message: String)
    case crashed(skill: String, how: String, stderr: String)
    case timedOut(skill: String, seconds: Double)
    case protocolViolation(skill: String, reason: String)
    case rejected(skill: String, message: String)
    case disabled(skill: String, crashes: Int, windowSeconds: Double, last: String)
    /// Disabled by an earlier process; the reason is what that process recorded.
    case disabledEarlier(skill: String, reason: String)

    public var description: String {
        switch self {
        case .startFailed(let skill, let reason):
            return "cannot start a runner for '\(skill)': \(reason)"
        case .refused(let skill, let message):
            return "the runner refused '\(skill)': \(message)"
        case .crashed(let skill, let how, let stderr):
            // The Swift backtracer's headline says what happened; otherwise the last lines do.
            let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true)
            let headline = lines.filter { $0.hasPrefix("*** ") }
            let tail = (headline.isEmpty ? Array(lines.suffix(8)) : headline).joined(separator: "\n    ")
            return "'\(skill)' crashed during the call (runner \(how)); memento is unaffected and restarts the runner on the next call"
                + (tail.isEmpty ? "" : ". Last stderr lines:\n    \(tail)")
        case .timedOut(let skill, let seconds):
            return "'\(skill)' did not answer within \(seconds)s; its runner was killed and restarts on the next call. Raise the timeout if the tool is legitimately slow"
        case .protocolViolation(let skill, let reason):
            return "the runner of '\(skill)' broke the protocol (\(reason)); it was killed and restarts on the next call"
        case .rejected(let skill, let message):
            return "the runner of '\(skill)' rejected the request: \(message)"
        case .disabled(let skill, let crashes, let window, let last):
            return "'\(skill)' is disabled: it crashed or hung \(crashes) times within \(Int(window))s (last: \(last)). Report it to its author or install a fixed version; `memento enable \(skill)` lets it run again"
        case .disabledEarlier(_, let reason):
            return reason
        }
    }

    /// One line for crash records: what happened, without the stderr tail.
    public var summary: String {
        switch self {
        case .crashed(_, let how, _): return "runner \(how)"
        case .timedOut(_, let seconds): return "no answer within \(seconds)s"
        case .startFailed(_, let reason): return "could not start: \(reason)"
        case .protocolViolation(_, let reason): return "protocol violation: \(reason)"
        default: return description
        }
    }
}
