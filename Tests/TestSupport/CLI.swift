import Foundation
import MementoCore

/// Runs the built `memento` binary as a real process, as a user or a script would.
public struct CLI {
    public struct Result {
        public let status: Int32
        public let killedBySignal: Int32?
        public let stdout: String
        public let stderr: String

        public var json: JSONValue? { try? JSONValue.parse(stdout) }
    }

    /// The binary sits beside the test bundle in the build folder.
    public static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["MEMENTO_BIN"] { return explicit }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("memento").path
    }()

    public let home: String
    public var environment: [String: String] = [:]

    public init(home: String, environment: [String: String] = [:]) {
        self.home = home
        self.environment = environment
    }

    @discardableResult
    public func run(_ arguments: [String], extraEnvironment: [String: String] = [:], directory: String? = nil) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["MEMENTO_HOME"] = home
        env.merge(environment) { $1 }
        env.merge(extraEnvironment) { $1 }
        return try CLI.runProgram(CLI.binary, arguments, environment: env, directory: directory)
    }

    /// Runs any program to completion with stdin closed, capturing both streams.
    public static func runProgram(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let signaled = process.terminationReason == .uncaughtSignal
        return Result(status: signaled ? -1 : process.terminationStatus, killedBySignal: signaled ? process.terminationStatus : nil,
                      stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts without waiting, for tests that race two processes.
    public func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["MEMENTO_HOME"] = home
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// A temporary directory removed when the test ends.
public final class TemporaryDirectory {
    public let path: String

    public init() throws {
        path = try FileSystem.makeTemporaryDirectory(prefix: "memento-cli")
    }

    deinit { try? FileSystem.removeTree(path) }

    /// An instruction skill with `fileCount` extra files, zipped with a top folder by Info-ZIP's
    /// `zip`, the way authors make archives.
    public func archive(name: String, version: String, fileCount: Int, seed: String) throws -> String {
        let folder = path + "/build-\(name)-\(version)/\(name)"
        try FileManager.default.createDirectory(atPath: folder + "/references", withIntermediateDirectories: true)
        let document = "---\nname: \(name)\ndescription: Crash test skill. Use in tests.\nmetadata:\n  version: \"\(version)\"\n---\n# \(seed)\n"
        try Data(document.utf8).write(to: URL(fileURLWithPath: folder + "/SKILL.md"))
        for index in 0..<fileCount {
            let text = String(repeating: "\(seed) line \(index)\n", count: 40)
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/references/file\(index).md"))
        }
        let archive = path + "/\(name)-\(version).skill"
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        zip.arguments = ["-qr", archive, name]
        zip.currentDirectoryURL = URL(fileURLWithPath: folder).deletingLastPathComponent()
        try zip.run()
        zip.waitUntilExit()
        guard zip.terminationStatus == 0 else { throw FileSystemError("zip", archive, code: EIO) }
        return archive
    }
}

/// Copies a home so each crash run starts from the same state.
public func copyTree(_ source: String, to destination: String) throws {
    let cp = Process()
    cp.executableURL = URL(fileURLWithPath: "/bin/cp")
    cp.arguments = ["-a", source, destination]
    try cp.run()
    cp.waitUntilExit()
    guard cp.terminationStatus == 0 else { throw FileSystemError("copy", source, code: EIO) }
}
