import CSystemShims
import Foundation

/// A child that was started: its pid and the parent's ends of its stdin, stdout and stderr.
public struct SpawnedProcess: Sendable {
    public let pid: pid_t
    public let stdin: Int32
    public let stdout: Int32
    public let stderr: Int32
}

/// A child that could not be started, and at which step.
public struct SpawnFailure: Error, Sendable, CustomStringConvertible {
    public let stage: String
    public let code: Int32
    public var description: String { "\(stage) failed: \(Posix.errorText(code))" }
}

/// How every child process starts: explicit argv (no shell), its own process group, a clean
/// signal mask, PR_SET_PDEATHSIG so it dies with memento even after a SIGKILL, every other
/// descriptor closed, and pipes for 0/1/2 whose parent ends are close-on-exec. The fork always
/// happens on `SpawnThread.shared`, because the death signal follows the forking thread.
public enum Subprocess {
    public static func spawn(executable: String, argv: [String], environment: [String: String],
                             workingDirectory: String? = nil) async -> Result<SpawnedProcess, SpawnFailure>
    {
        await SpawnThread.shared.run { start(executable: executable, argv: argv, environment: environment, workingDirectory: workingDirectory) }
    }

    public static func spawnBlocking(executable: String, argv: [String], environment: [String: String],
                                     workingDirectory: String? = nil) -> Result<SpawnedProcess, SpawnFailure>
    {
        SpawnThread.shared.runBlocking { start(executable: executable, argv: argv, environment: environment, workingDirectory: workingDirectory) }
    }

    /// Runs on the spawn thread. The child's pipe ends are dup2'd onto 0/1/2, which clears
    /// close-on-exec for those three only.
    private static func start(executable: String, argv: [String], environment: [String: String],
                              workingDirectory: String?) -> Result<SpawnedProcess, SpawnFailure>
    {
        var pipes: [Int32] = Array(repeating: -1, count: 6)
        for index in 0..<3 {
            let ok = pipes.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { memento_pipe_cloexec($0 + index * 2) == 0 } ?? false
            }
            guard ok else {
                let code = errno
                pipes.filter { $0 >= 0 }.forEach(Posix.close)
                return .failure(SpawnFailure(stage: "pipe", code: code))
            }
        }
        let (stdinRead, stdinWrite) = (pipes[0], pipes[1])
        let (stdoutRead, stdoutWrite) = (pipes[2], pipes[3])
        let (stderrRead, stderrWrite) = (pipes[4], pipes[5])

        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        var failedStage: Int32 = 0
        var failedErrno: Int32 = 0
        let status = withCStrings(argv) { argvPointer in
            withCStrings(envp) { envpPointer in
                memento_spawn(executable, argvPointer, envpPointer, workingDirectory,
                              stdinRead, stdoutWrite, stderrWrite, &pid, &failedStage, &failedErrno)
            }
        }
        let forkErrno = errno
        [stdinRead, stdoutWrite, stderrWrite].forEach(Posix.close)
        guard status == 0 else {
            [stdinWrite, stdoutRead, stderrRead].forEach(Posix.close)
            return .failure(SpawnFailure(stage: "fork", code: forkErrno))
        }
        guard failedStage == 0 else {
            [stdinWrite, stdoutRead, stderrRead].forEach(Posix.close)
            var reaped: Int32 = 0
            while waitpid(pid, &reaped, 0) < 0 && errno == EINTR {}
            let stages = [1: "setpgid", 2: "prctl", 3: "dup2", 4: "chdir to '\(workingDirectory ?? "")'", 5: "exec of '\(executable)'"]
            return .failure(SpawnFailure(stage: stages[Int(failedStage)] ?? "spawn", code: failedErrno))
        }
        return .success(SpawnedProcess(pid: pid, stdin: stdinWrite, stdout: stdoutRead, stderr: stderrRead))
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        // The array holds at least the terminating nil, so it has a base address.
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
