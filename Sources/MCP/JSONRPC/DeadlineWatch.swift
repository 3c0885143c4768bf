import Foundation
import MementoCore

/// Enforces a peer's request deadlines from one thread, which sleeps until the earliest of
/// them. A sleeping task per request cost every call a task, a timer and a cancellation, each
/// a thread wake-up; here a request answered in time (nearly all of them) costs nothing, and a
/// new request wakes the thread only when its deadline comes sooner than the one it sleeps
/// towards. Deadlines that move later (progress) need no wake-up: the thread finds them moved.
final class DeadlineWatch: @unchecked Sendable {
    /// Fails every request whose deadline is at or before `now`; returns the earliest deadline
    /// still pending, if any.
    typealias Expire = @Sendable (_ now: ContinuousClock.Instant) -> ContinuousClock.Instant?

    private let label: String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var expire: Expire?
    private var wake: ContinuousClock.Instant?
    private var started = false
    private var stopped = false

    init(label: String) {
        self.label = label
    }

    /// Sets what runs at a deadline; the owner attaches itself once it is fully made.
    func attach(_ expire: @escaping Expire) {
        condition.lock()
        self.expire = expire
        condition.unlock()
    }

    /// Makes sure the thread runs `expire` no later than `deadline`.
    func schedule(_ deadline: ContinuousClock.Instant) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return }
        if let wake, wake <= deadline { return }
        wake = deadline
        if started {
            condition.signal()
        } else {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "memento.mcp.deadlines.\(label)"
            thread.start()
        }
    }

    /// Ends the thread; later schedules are ignored.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while !stopped {
            guard let target = wake else {
                condition.wait()
                continue
            }
            let now = ContinuousClock.now
            if now < target {
                _ = condition.wait(until: Date(timeIntervalSinceNow: now.duration(to: target).inSeconds))
                continue
            }
            wake = nil
            let expire = self.expire
            condition.unlock()
            let next = expire?(now)
            condition.lock()
            if let next, wake.map({ next < $0 }) ?? true { wake = next }
        }
        condition.unlock()
    }
}
