#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A test hook at every write, fsync, rename, link and unlink that changes the store.
///
/// With `MEMENTO_CRASH_AT=N` in the environment the process kills itself with SIGKILL at the N-th
/// point, which is how the crash-safety tests interrupt an install at every step. With
/// `MEMENTO_CRASH_COUNT=FILE` the number of points reached is written to FILE at exit, so a test
/// knows how many steps an operation has. Without either variable a point costs one load.
public enum CrashInjection {
    private static let killAt: Int? = getenv("MEMENTO_CRASH_AT").flatMap { Int(String(cString: $0)) }
    private static let countFile: String? = getenv("MEMENTO_CRASH_COUNT").map { String(cString: $0) }
    nonisolated(unsafe) private static var reached = 0

    @inline(__always)
    public static func point() throws(FileSystemError) {
        guard killAt != nil || countFile != nil else { return }
        reached += 1
        if reached == killAt { kill(getpid(), SIGKILL) }
    }

    /// Writes the count for `MEMENTO_CRASH_COUNT`; the CLI calls this once on the way out.
    public static func recordCount() {
        guard let countFile else { return }
        let text = "\(reached)\n"
        let fd = open(countFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
}
