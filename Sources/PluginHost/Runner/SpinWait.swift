import CSystemShims

/// How long a reader of a runner's pipe polls for input before it sleeps in the kernel.
///
/// A call through a runner is two hand-offs between processes. When the reader sleeps, each
/// hand-off wakes a halted CPU; on a VM that costs tens of µs, far more than the call itself
/// (`make bench` measured 80 to 100 µs a round trip here, against 5 to 7 µs with polling). So both
/// sides first poll their pipe for a short window: the host while it waits for a reply, the
/// runner after each reply, for the next request. Past the window they block as before, so an
/// idle runner costs nothing and a slow tool costs at most one window of CPU.
///
/// Polling only helps when the peer can run meanwhile: on one CPU it would only delay the peer,
/// so a process confined to one CPU never polls.
public enum SpinWait {
    /// The window unless the environment says otherwise: long enough to cover a host's work
    /// between two calls, short enough that it is nothing beside a tool that takes a millisecond.
    public static let defaultWindow = Duration.microseconds(100)
    /// Microseconds to poll, `0` to always sleep at once. The host passes its window on to its
    /// runners in this variable, so both sides agree.
    public static let environmentKey = "MEMENTO_RUNNER_SPIN_US"
    /// The longest window accepted, so that a typo cannot make a runner burn a CPU.
    public static let maximumWindow = Duration.milliseconds(10)

    /// The window `environment` asks for, or `defaultWindow`; nil when its value is not a
    /// whole number of microseconds.
    public static func requested(in environment: [String: String]) -> Duration? {
        guard let text = environment[environmentKey] else { return defaultWindow }
        guard let microseconds = Int64(text), microseconds >= 0 else { return nil }
        return min(.microseconds(microseconds), maximumWindow)
    }

    /// `window` as `environmentKey`'s value, in whole microseconds.
    public static func environmentValue(_ window: Duration) -> String {
        String(window.components.seconds * 1_000_000 + window.components.attoseconds / 1_000_000_000_000)
    }

    /// The window a process that may use `cpus` CPUs polls for: none on a single CPU.
    public static func window(_ requested: Duration, cpus: Int) -> Duration {
        cpus > 1 ? requested : .zero
    }

    /// This process's CPUs, read once: the affinity mask is set before a benchmark or a
    /// container starts us, and a syscall per call would cost more than it tells.
    static let usableCPUs = Int(memento_usable_cpus())
}
