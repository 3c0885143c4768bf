import CSystemShims
import Foundation
import Synchronization

/// The one thread that forks every server process.
///
/// PR_SET_PDEATHSIG is tied to the thread that forked, not the process: if a short-lived worker
/// thread forked a server, the server would be killed as soon as that thread was recycled. A
/// thread that lives as long as the host makes the signal mean "the host died".
final class SpawnThread: Sendable {
    static let shared = SpawnThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let wakeup = DispatchSemaphore(value: 0)

    private init() {
        // The shared instance lives for the whole process, so capturing self is no leak.
        let thread = Thread { [self] in
            while true {
                self.wakeup.wait()
                let batch = self.jobs.withLock { queue -> [@Sendable () -> Void] in
                    defer { queue = [] }
                    return queue
                }
                for job in batch { job() }
            }
        }
        thread.name = "memento.mcp.spawn"
        thread.start()
    }

    /// Runs `body` on the spawn thread and returns its result. fork+exec takes milliseconds, so
    /// the caller's brief wait does not starve the cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            jobs.withLock { $0.append { continuation.resume(returning: body()) } }
            wakeup.signal()
        }
    }
}
