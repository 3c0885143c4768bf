import Foundation

/// Reads strace output (`strace -f -qq -s 4096`) into the events verify cares about: programs
/// started, attempts to reach a network address, and files written where a tool has no
/// business writing. Everything else (reads, the loader's own opens) is ignored.
public struct SystemCallLog: Sendable {
    /// Where writes are expected: the sandbox's work directory and its /tmp.
    public let workDirectories: [String]
    /// The throwaway home, and the real one the sandbox hides read-only.
    public let homes: [String]
    /// The skill's own folder, which relative paths resolve against (its working directory).
    public let skillFolder: String
    /// Executables that are the skill itself (its runner, its interpreter), not spawns.
    public let entryPrograms: Set<String>

    public init(workDirectories: [String], homes: [String], skillFolder: String, entryPrograms: Set<String>) {
        self.workDirectories = workDirectories
        self.homes = homes
        self.skillFolder = skillFolder
        self.entryPrograms = entryPrograms
    }

    /// Where things are inside the sandbox verify runs a skill in: a fresh /tmp, a throwaway home
    /// in it, and the work directory bound from outside.
    public enum Sandbox {
        public static let temporary = "/tmp"
        public static let home = "/tmp/home"
        public static let work = "/tmp/work"
    }

    /// The log of a run in that sandbox; `realHome` is the home the sandbox hides read-only.
    public static func inSandbox(realHome: String, skillFolder: String, entryPrograms: Set<String>) -> SystemCallLog {
        SystemCallLog(workDirectories: [Sandbox.temporary], homes: [Sandbox.home, realHome], skillFolder: skillFolder, entryPrograms: entryPrograms)
    }

    static let writeCalls: Set<String> = ["creat", "mkdir", "mkdirat", "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2",
                                          "symlink", "symlinkat", "link", "linkat", "truncate", "chmod", "fchmodat"]
    static let deviceFiles = ["/dev/null", "/dev/tty", "/dev/pts/", "/dev/shm/", "/dev/urandom", "/dev/random", "/proc/self/", "/proc/thread-self/"]

    /// Adds what `text` shows to `trace`.
    public func read(_ text: String, into trace: inout ExecutionTrace) {
        for rawLine in text.split(separator: "\n") {
            var line = Substring(rawLine)
            // `strace -f` into one file prefixes each line with the pid.
            if let first = line.first, first.isNumber { line = line.drop(while: \.isNumber).drop(while: { $0 == " " }) }
            guard let open = line.firstIndex(of: "("), let result = line.range(of: ") = ", options: .backwards) else { continue }
            let call = String(line[..<open])
            let outcome = String(line[result.upperBound...])
            let arguments = line[line.index(after: open)..<result.lowerBound]
            let summary = String(line.prefix(300))
            switch call {
            case "execve", "execveat":
                guard outcome.hasPrefix("0"), let program = Self.quoted(arguments).first, !entryPrograms.contains(program) else { continue }
                trace.spawned.append(.init(summary: summary, path: program))
            case "connect", "sendto":
                guard let address = Self.inetAddress(arguments) else { continue }
                trace.network.append(.init(summary: summary, path: address))
            case "openat", "open":
                let flags = arguments.split(separator: ",").dropFirst(call == "openat" ? 2 : 1).first ?? ""
                guard flags.contains("O_WRONLY") || flags.contains("O_RDWR") || flags.contains("O_CREAT") || flags.contains("O_TRUNC"),
                      let path = Self.quoted(arguments).first else { continue }
                classify(path, summary, &trace)
            default:
                guard Self.writeCalls.contains(call), let path = Self.quoted(arguments).last else { continue }
                classify(path, summary, &trace)
            }
        }
    }

    private func classify(_ path: String, _ summary: String, _ trace: inout ExecutionTrace) {
        let absolute = path.hasPrefix("/") ? path : skillFolder + "/" + path
        let normalized = URL(fileURLWithPath: absolute).standardized.path
        func under(_ root: String) -> Bool { normalized == root || normalized.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        if Self.deviceFiles.contains(where: { normalized == $0 || ($0.hasSuffix("/") && normalized.hasPrefix($0)) }) { return }
        // The skill's own folder is read-only wherever it lies, even inside /tmp.
        if under(skillFolder) {
            trace.writes.append(.init(summary: summary, path: normalized))
        } else if let home = homes.first(where: under) {
            trace.homeWrites.append(.init(summary: summary, path: String(normalized.dropFirst(home.count).drop { $0 == "/" })))
        } else if !workDirectories.contains(where: under) {
            trace.writes.append(.init(summary: summary, path: normalized))
        }
    }

    /// The C string literals among strace's printed arguments, unescaped.
    static func quoted(_ text: Substring) -> [String] {
        var strings: [String] = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "\"") {
            var bytes: [UInt8] = []
            var cursor = text.index(after: open)
            while cursor < text.endIndex, text[cursor] != "\"" {
                if text[cursor] == "\\", text.index(after: cursor) < text.endIndex {
                    cursor = text.index(after: cursor)
                    switch text[cursor] {
                    case "n": bytes.append(0x0A)
                    case "t": bytes.append(0x09)
                    case "x":
                        let hex = text[text.index(after: cursor)...].prefix(2)
                        bytes.append(UInt8(hex, radix: 16) ?? 0x3F)
                        cursor = text.index(cursor, offsetBy: hex.count)
                    default: bytes.append(contentsOf: Array(String(text[cursor]).utf8))
                    }
                } else {
                    bytes.append(contentsOf: Array(String(text[cursor]).utf8))
                }
                cursor = text.index(after: cursor)
            }
            strings.append(String(decoding: bytes, as: UTF8.self))
            guard cursor < text.endIndex else { break }
            index = text.index(after: cursor)
        }
        return strings
    }

    /// `1.2.3.4:80` or `[::1]:443` from an AF_INET or AF_INET6 sockaddr; nil for other families.
    static func inetAddress(_ text: Substring) -> String? {
        func value(after key: String, until end: Character) -> Substring? {
            guard let start = text.range(of: key) else { return nil }
            return text[start.upperBound...].prefix { $0 != end }
        }
        let port = value(after: "port=htons(", until: ")").map(String.init) ?? "?"
        if text.contains("sa_family=AF_INET6") {
            guard let address = value(after: "inet_pton(AF_INET6, \"", until: "\"") else { return nil }
            return "[\(address)]:\(port)"
        }
        if text.contains("sa_family=AF_INET,") || text.contains("sa_family=AF_INET}") {
            guard let address = value(after: "inet_addr(\"", until: "\"") else { return nil }
            return "\(address):\(port)"
        }
        return nil
    }
}
