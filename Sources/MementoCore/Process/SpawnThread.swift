import CSystemShims
import Foundation
import Synchronization

/// The one thread that forks every child process: MCP servers, script skills and runners.
///
/// PR_SET_PDEATHSIG is tied to the thread that forked, not the process: if a short-lived worker
/// thread forked a server, the server would be killed as soon as that thread was recycled. A
/// thread that lives as long as the host makes the signal mean "the host died".
public final class SpawnThread: Sendable {
    public static let shared = SpawnThread()

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
        thread.name = "memento.spawn"
        thread.start()
    }

    /// Runs `body` on the spawn thread and returns its result. fork+exec takes milliseconds, so
    /// the caller's brief wait does not starve the cooperative pool.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: body()) }
        }
    }

    /// The same for synchronous callers (the plugin runner's supervisor), blocking until done.
    public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        submit {
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        // The job ran to completion before the signal, so the value is there.
        return result.withLock { $0 }!
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        wakeup.signal()
    }
}
