#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MementoCore
import Synchronization

/// A supervised runner, started like every child (`Subprocess`: own process group, no shell,
/// dies with memento): stdin/stdout as a line channel and stderr drained by a thread (so a
/// chatty child never blocks on a full pipe), keeping the last bytes for error reports.
/// `kill()` reaps, so no zombie outlives the handle.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let channel: LineChannel
    private let stderrTail: StderrDrain
    private let lock = NSLock()
    private var exitStatus: Int32?

    struct SpawnError: Error { let reason: String }

    init(executable: String, arguments: [String], environment: [String: String], spin: Duration, forwardStderr: Bool) throws(SpawnError) {
        // A runner that dies while the host writes to it must be an EPIPE, not a host-killing SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let spawned: SpawnedProcess
        switch Subprocess.spawnBlocking(executable: executable, argv: [executable] + arguments, environment: environment) {
        case .success(let process): spawned = process
        case .failure(let failure): throw SpawnError(reason: "cannot start \(executable): \(failure)")
        }
        pid = spawned.pid
        channel = LineChannel(input: spawned.stdout, output: spawned.stdin, spin: spin)
        stderrTail = StderrDrain(fd: spawned.stderr, forward: forwardStderr)
    }

    /// The last bytes the child wrote to stderr (a backtrace after a crash).
    var recentStderr: String { stderrTail.text }

    /// SIGKILLs the whole process group and reaps the child. Returns its wait status.
    @discardableResult
    func kill() -> Int32 {
        if let exitStatus = lock.withLock({ exitStatus }) { return exitStatus }
        _ = Glibc.kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return finish(status)
    }

    /// The wait status if the child exits within `limit`; nil while it still runs.
    func exitedStatus(waitingUpTo limit: Duration) -> Int32? {
        if let exitStatus = lock.withLock({ exitStatus }) { return exitStatus }
        let deadline = ContinuousClock.now + limit
        repeat {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return finish(status) }
            usleep(500)
        } while ContinuousClock.now < deadline
        return nil
    }

    /// Records the status once and releases the pipes once.
    private func finish(_ status: Int32) -> Int32 {
        lock.lock()
        if let exitStatus {
            lock.unlock()
            return exitStatus
        }
        exitStatus = status
        lock.unlock()
        ChildProcess.closeAll([channel.input, channel.output])
        stderrTail.finish()
        return status
    }

    /// "exited with status 3", "killed by signal 11 (SIGSEGV)".
    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        let name = [4: "SIGILL", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM", 5: "SIGTRAP", 7: "SIGBUS", 8: "SIGFPE"][Int(signal)]
        return "killed by signal \(signal)" + (name.map { " (\($0))" } ?? "")
    }

    private static func closeAll(_ fds: [Int32]) {
        for fd in fds where fd >= 0 { _ = close(fd) }
    }
}

/// Drains a child's stderr on a thread into a bounded tail, optionally echoing it.
private final class StderrDrain: Sendable {
    private let tail = StderrTail(capacity: 16 << 10)
    private let done = DispatchSemaphore(value: 0)
    private let finished = Mutex(false)

    init(fd: Int32, forward: Bool) {
        let thread = Thread { [tail, done] in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let count = Posix.read(fd, buffer)
                if count <= 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                if forward { FileHandle.standardError.write(Data(chunk)) }
                tail.append(chunk)
            }
            Posix.close(fd)
            done.signal()
        }
        thread.start()
    }

    var text: String { tail.text() }

    /// Waits briefly for the drain to reach EOF, so the tail holds the child's last words. A
    /// grandchild that kept stderr open must not hang the host, hence the bound.
    func finish() {
        let first = finished.withLock { wasFinished in
            defer { wasFinished = true }
            return !wasFinished
        }
        guard first else { return }
        _ = done.wait(timeout: .now() + .milliseconds(500))
    }
}
