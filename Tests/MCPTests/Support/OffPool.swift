import Foundation

/// Runs blocking or CPU-heavy test work on its own thread, so it never holds a thread of the
/// cooperative pool that other suites' timers and tasks need (the machine has two cores).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
