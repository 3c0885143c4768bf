#if canImport(Glibc)
import Glibc
#endif
import CPluginSystem
import SkillKit

/// What a bounded child process did, as the `shell` and `python` tools report it.
public struct ProcessOutcome: Encodable, Sendable {
    public var exitCode: Int32?
    public var signal: Int32?
    public var stdout: String
    public var stderr: String
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool
    public var timedOut: Bool
    public var durationMs: Int

    enum CodingKeys: String, CodingKey {
        case exitCode = "exit_code", signal, stdout, stderr, stdoutTruncated = "stdout_truncated"
        case stderrTruncated = "stderr_truncated", timedOut = "timed_out", durationMs = "duration_ms"
    }
}

/// Runs a program with a deadline and a cap on what it may print. The child leads its own
/// process group; at the deadline, and when the child itself exits, the whole group is killed,
/// so a command that left something running in the background cannot outlive the call.
public enum BoundedProcess {
    public static func run(argv: [String], environment: [String: String], directory: String?, stdin: [UInt8],
                           timeoutSeconds: Double, outputCap: Int) throws -> ProcessOutcome {
        guard let program = argv.first, !program.isEmpty else { throw SkillError("invalid_arguments", "argv is empty") }
        guard argv.allSatisfy({ !$0.utf8.contains(0) }), environment.allSatisfy({ !$0.key.utf8.contains(0) && !$0.value.utf8.contains(0) && !$0.key.contains("=") }) else {
            throw SkillError("invalid_arguments", "arguments and environment must not contain NUL bytes (or '=' in a name)")
        }
        var input = try Pipe(), output = try Pipe(), errors = try Pipe()
        defer { input.close(); output.close(); errors.close() }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        if let directory { plugin_spawn_addchdir(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { arguments.forEach { free($0) }; variables.forEach { free($0) } }
        let started = Monotonic.now()
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, arguments, variables)
        guard status == 0 else {
            throw SkillError("spawn_failed", "could not start \(program): \(String(cString: strerror(status)))")
        }
        // The child holds its own copies; ours must close for EOF to reach the readers.
        input.closeRead(); output.closeWrite(); errors.closeWrite()

        var stdoutBytes = CappedBuffer(cap: outputCap), stderrBytes = CappedBuffer(cap: outputCap)
        var pending = stdin[...]
        if pending.isEmpty { input.closeWrite() } else { _ = fcntl(input.write, F_SETFL, O_NONBLOCK) }
        let deadline = started + timeoutSeconds
        var timedOut = false
        var waitStatus: Int32 = 0
        var exited = false
        while true {
            if !exited, waitpid(pid, &waitStatus, WNOHANG) == pid {
                exited = true
                kill(-pid, SIGKILL)
                input.closeWrite()
            }
            var fds: [pollfd] = []
            if output.read >= 0 { fds.append(pollfd(fd: output.read, events: Int16(POLLIN), revents: 0)) }
            if errors.read >= 0 { fds.append(pollfd(fd: errors.read, events: Int16(POLLIN), revents: 0)) }
            if input.write >= 0 { fds.append(pollfd(fd: input.write, events: Int16(POLLOUT), revents: 0)) }
            if fds.isEmpty && exited { break }
            let remaining = deadline - Monotonic.now()
            if remaining <= 0 && !timedOut {
                timedOut = true
                kill(-pid, SIGKILL)
            }
            // Wake at least every 50 ms to notice the child's exit while a background
            // process keeps its pipes open.
            let wait = timedOut ? 50 : Int32(max(0, min(50, remaining * 1000)))
            if !fds.isEmpty { _ = poll(&fds, nfds_t(fds.count), wait) } else { usleep(UInt32(wait) * 1000) }
            for entry in fds where entry.revents != 0 {
                if entry.fd == input.write {
                    let written = writeWithoutSIGPIPE(input.write, pending)
                    if written > 0 { pending = pending.dropFirst(written) }
                    if written < 0 && errno != EAGAIN || pending.isEmpty { input.closeWrite() }
                } else if entry.fd == output.read {
                    if !stdoutBytes.drain(output.read) { output.closeRead() }
                } else if entry.fd == errors.read {
                    if !stderrBytes.drain(errors.read) { errors.closeRead() }
                }
            }
        }
        let elapsed = Monotonic.now() - started
        let exitedNormally = waitStatus & 0x7f == 0
        return ProcessOutcome(
            exitCode: exitedNormally ? (waitStatus >> 8) & 0xff : nil, signal: exitedNormally ? nil : waitStatus & 0x7f,
            stdout: stdoutBytes.text, stderr: stderrBytes.text,
            stdoutTruncated: stdoutBytes.truncated, stderrTruncated: stderrBytes.truncated,
            timedOut: timedOut, durationMs: Int(elapsed * 1000))
    }

    /// A child that stops reading its stdin must not raise SIGPIPE in the host: the signal is
    /// blocked on this thread for the write and a pending one is consumed.
    private static func writeWithoutSIGPIPE(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int {
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 && errno == EPIPE {
            var now = timespec()
            _ = sigtimedwait(&pipeSignal, nil, &now)
            errno = EPIPE
        }
        return written
    }

    /// The host's value of each variable in `names` that is set.
    public static func inherited(_ names: [String]) -> [String: String] {
        var values: [String: String] = [:]
        for name in names { if let value = getenv(name) { values[name] = String(cString: value) } }
        return values
    }
}

/// The first `cap` bytes of a stream; the rest is read and dropped so the writer never blocks.
struct CappedBuffer {
    let cap: Int
    var bytes: [UInt8] = []
    var truncated = false

    init(cap: Int) { self.cap = cap }

    /// Reads what is there; false at EOF or on an error.
    mutating func drain(_ fd: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 { return errno == EINTR || errno == EAGAIN }
        if count == 0 { return false }
        let room = max(0, cap - bytes.count)
        bytes.append(contentsOf: chunk[0..<min(room, count)])
        if count > room { truncated = true }
        return true
    }

    /// UTF-8, with invalid sequences replaced (a cut may split a character).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// A pipe whose ends are closed once, by whoever is done with them first.
struct Pipe {
    var read: Int32
    var write: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard plugin_pipe_cloexec(&fds) == 0 else { throw SkillError("spawn_failed", "pipe: \(String(cString: strerror(errno)))") }
        read = fds[0]
        write = fds[1]
    }

    mutating func closeRead() { if read >= 0 { Glibc.close(read); read = -1 } }
    mutating func closeWrite() { if write >= 0 { Glibc.close(write); write = -1 } }
    mutating func close() { closeRead(); closeWrite() }
}

enum Monotonic {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
