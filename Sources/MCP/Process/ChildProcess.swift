import Foundation
import MementoCore
import Synchronization

/// What to start: explicit argv (no shell), environment and working directory.
public struct LaunchSpec: Sendable, Equatable {
    public var command: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?

    public init(command: String, arguments: [String], environment: [String: String], workingDirectory: String?) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// A running server process in its own process group, with its stdout framed into lines on a
/// dedicated thread, its stderr drained into a bounded tail on another, and a third thread
/// blocked in waitpid. Blocking reads live on these threads, never on the cooperative pool.
final class ChildProcess: Sendable {
    let pid: pid_t
    let label: String
    let stdin: PipeWriter
    let stderrTail: StderrTail
    private let exitStatus = Mutex<Int32?>(nil)
    private let stderrDrained = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    /// Callbacks run on the reader threads.
    struct Handlers: Sendable {
        var onEvent: @Sendable (LineFramer.Event) -> Void
        /// stdout reached end of file or the process exited; called once per cause.
        var onLost: @Sendable (_ reason: String) -> Void
    }

    private init(pid: pid_t, label: String, stdinFD: Int32, stderrTail: StderrTail) {
        self.pid = pid
        self.label = label
        self.stdin = PipeWriter(fd: stdinFD, label: label, ownsPipe: true)
        self.stderrTail = stderrTail
    }

    /// Starts the process. `attach` runs before any output is read, so whatever consumes the
    /// output (a peer writing to `stdin`) exists before the first line arrives.
    static func launch(_ spec: LaunchSpec, label: String, maxLineBytes: Int, attach: (ChildProcess) -> Handlers) async throws(MCPError) -> ChildProcess {
        let executable = try resolveExecutable(spec, label: label)
        let spawned: SpawnedProcess
        switch await Subprocess.spawn(executable: executable, argv: [spec.command] + spec.arguments, environment: spec.environment,
                                      workingDirectory: spec.workingDirectory) {
        case .success(let process): spawned = process
        case .failure(let failure): throw MCPError(.spawnFailed, server: label, "could not start '\(spec.command)': \(failure)")
        }
        let child = ChildProcess(pid: spawned.pid, label: label, stdinFD: spawned.stdin, stderrTail: StderrTail())
        child.startThreads(stdoutFD: spawned.stdout, stderrFD: spawned.stderr, maxLineBytes: maxLineBytes, handlers: attach(child))
        return child
    }

    var hasExited: Bool { exitStatus.withLock { $0 != nil } }

    /// "exited with status 3" / "killed by signal 9", once the process is gone.
    var exitDescription: String? {
        exitStatus.withLock { status in
            guard let status else { return nil }
            let signal = status & 0x7F
            return signal == 0 ? "exited with status \((status >> 8) & 0xFF)" : "killed by signal \(signal)"
        }
    }

    /// Closes stdin, then escalates: SIGTERM to the group after `grace`, SIGKILL after another.
    /// Finally kills the group anyway, so grandchildren the server left behind do not linger.
    func terminate(grace: Duration = .seconds(2)) async {
        stdin.close()
        if await !waitForExit(within: grace) {
            kill(-pid, SIGTERM)
            if await !waitForExit(within: grace) {
                kill(-pid, SIGKILL)
                _ = await waitForExit(within: .seconds(5))
            }
        }
        kill(-pid, SIGKILL)
    }

    /// Waits for the stderr reader to reach EOF, so an error carries the server's last words.
    /// Blocking: for the reader threads only.
    func awaitStderrEOF(timeout: DispatchTime) {
        if stderrDrained.wait(timeout: timeout) == .success { stderrDrained.signal() }
    }

    /// Waits for the exit status after stdout closed. Blocking: for the reader threads only.
    func awaitExit(timeout: DispatchTime) {
        if exited.wait(timeout: timeout) == .success { exited.signal() }
    }

    func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !hasExited {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    private func startThreads(stdoutFD: Int32, stderrFD: Int32, maxLineBytes: Int, handlers: Handlers) {
        let pid = self.pid
        startThread("stdout") {
            FramedReader.run(fd: stdoutFD, maxLineBytes: maxLineBytes, handlers.onEvent)
            handlers.onLost("closed its stdout")
        }
        startThread("stderr") { [stderrTail, stderrDrained] in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 14, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let count = Posix.read(stderrFD, buffer)
                guard count > 0 else { break }
                stderrTail.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
            Posix.close(stderrFD)
            stderrDrained.signal()
        }
        startThread("wait") { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            self.exitStatus.withLock { $0 = status }
            self.exited.signal()
            handlers.onLost("exited")
        }
    }

    private func startThread(_ role: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "memento.mcp.\(label).\(role)"
        thread.start()
    }

    // MARK: Spawning

    private static func resolveExecutable(_ spec: LaunchSpec, label: String) throws(MCPError) -> String {
        let path = spec.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let found = Subprocess.executablePath(named: spec.command, searchPath: path) else {
            throw MCPError(.spawnFailed, server: label, "command '\(spec.command)' not found in PATH (\(path)); give an absolute path or set PATH in the server's env")
        }
        return found
    }
}
