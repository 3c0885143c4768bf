import Foundation

/// A short command that ran to completion.
public struct CompletedProcess: Sendable {
    /// The exit code, or 128 + the signal that ended it.
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

extension Subprocess {
    /// Where `name` is found on `searchPath` (default: this process's PATH); a name with a slash
    /// is taken as it is.
    public static func executablePath(named name: String, searchPath: String? = nil) -> String? {
        if name.contains("/") { return name }
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `argv` (its program looked up on PATH) to the end with stdin closed, reading stdout and
    /// stderr as they come so neither can fill up and stall the child. Blocks the calling thread.
    public static func run(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                           workingDirectory: String? = nil) -> Result<CompletedProcess, SpawnFailure>
    {
        guard let program = argv.first, let executable = executablePath(named: program, searchPath: environment["PATH"]) else {
            return .failure(SpawnFailure(stage: "looking up '\(argv.first ?? "")' on PATH", code: ENOENT))
        }
        let child: SpawnedProcess
        switch spawnBlocking(executable: executable, argv: argv, environment: environment, workingDirectory: workingDirectory) {
        case .success(let started): child = started
        case .failure(let failure): return .failure(failure)
        }
        Posix.close(child.stdin)
        var outputs: [Int32: [UInt8]] = [child.stdout: [], child.stderr: []]
        var open = [child.stdout, child.stderr]
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                let count = Posix.read(entry.fd, buffer)
                if count > 0 {
                    outputs[entry.fd, default: []].append(contentsOf: buffer.prefix(count))
                } else {
                    open.removeAll { $0 == entry.fd }
                    Posix.close(entry.fd)
                }
            }
        }
        open.forEach(Posix.close)
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
        return .success(CompletedProcess(status: code, stdout: String(decoding: outputs[child.stdout] ?? [], as: UTF8.self),
                                         stderr: String(decoding: outputs[child.stderr] ?? [], as: UTF8.self)))
    }
}
