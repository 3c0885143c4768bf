import Foundation
import MementoCore

/// Why an audit could not run at all (exit 2), as opposed to what it found.
public struct AuditError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Limits that keep an audit fast and bounded on hostile input.
public struct AuditLimits: Sendable {
    public var maxFiles = 2_000
    public var maxDepth = 12
    public var maxTotalBytes = 100 << 20
    /// Files larger than this are hashed but not read for rules.
    public var maxReadBytes = 16 << 20
    /// Text rules look at this many bytes of a file at most.
    public var maxTextBytes = 2 << 20
    public init() {}
}

/// One entry of the skill folder, read once.
struct SkillFile: Sendable {
    enum Kind: Sendable, Equatable {
        case regular
        case directory
        case symlink(target: String)
        case special
    }

    /// Relative to the skill root, `/`-separated.
    let path: String
    let kind: Kind
    let size: Int
    let mode: UInt32
    let links: Int
    /// Identifies the file's storage, to tell hard links inside the skill from links to outside files.
    let inode: UInt64
    /// The content, or its first `maxReadBytes` bytes; empty for non-regular entries.
    let bytes: [UInt8]
    let sha256: String

    var name: String { path.split(separator: "/").last.map(String.init) ?? path }
    var fileExtension: String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
    var isExecutable: Bool { mode & 0o111 != 0 }
}

/// The skill folder as the layers see it: every entry, read once, in path order.
struct SkillTree: Sendable {
    let root: URL
    let files: [SkillFile]
    /// Whole-tree limits that were hit; the structure layer reports them.
    let limitsHit: [String]
    /// sha256 over sorted `path\0size\0sha256\n` lines (the store's tree hash).
    let treeHash: String

    var regularFiles: [SkillFile] { files.filter { $0.kind == .regular } }

    /// Looks a manifest path up in the tree (`./lib/x.so` and `lib/x.so` are the same file).
    func file(at path: String) -> SkillFile? {
        let wanted = SkillTree.normalised(path)
        return files.first { $0.path == wanted }
    }

    static func normalised(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    static func load(_ root: URL, limits: AuditLimits) throws(AuditError) -> SkillTree {
        // The root may itself be a link (the store's `current`); links inside it are what the audit judges.
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        guard let status = FileSystem.linkStatus(rootPath) else {
            throw AuditError("'\(rootPath)' does not exist; pass the path of a skill folder")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw AuditError("'\(rootPath)' is not a folder; pass the folder that holds SKILL.md or skill.json")
        }
        var walker = Walker(rootPath: rootPath, limits: limits)
        try walker.walk(relative: "", depth: 0)
        let files = walker.files.sorted { $0.path < $1.path }
        let lines = files.filter { $0.kind == .regular }.map { "\($0.path)\u{0}\($0.size)\u{0}\($0.sha256)\n" }.joined()
        return SkillTree(root: URL(fileURLWithPath: rootPath), files: files, limitsHit: walker.limitsHit,
                         treeHash: SHA256Hex.of(Data(lines.utf8)))
    }

    private struct Walker {
        let rootPath: String
        let limits: AuditLimits
        var files: [SkillFile] = []
        var limitsHit: [String] = []
        var totalBytes = 0

        mutating func walk(relative: String, depth: Int) throws(AuditError) {
            let directory = relative.isEmpty ? rootPath : rootPath + "/" + relative
            let names: [String]
            do {
                names = try FileSystem.entries(of: directory).sorted()
            } catch {
                throw AuditError("cannot list '\(directory)': \(error); check its permissions")
            }
            for name in names {
                let path = relative.isEmpty ? name : relative + "/" + name
                let absolute = rootPath + "/" + path
                guard files.count < limits.maxFiles else {
                    limitsHit.append("more than \(limits.maxFiles) entries; the rest were not reviewed")
                    return
                }
                guard let status = FileSystem.linkStatus(absolute) else { continue }
                let mode = UInt32(status.st_mode)
                switch mode & UInt32(S_IFMT) {
                case UInt32(S_IFDIR):
                    files.append(SkillFile(path: path, kind: .directory, size: 0, mode: mode, links: Int(status.st_nlink), inode: UInt64(status.st_ino), bytes: [], sha256: ""))
                    if depth + 1 >= limits.maxDepth {
                        limitsHit.append("'\(path)' is nested deeper than \(limits.maxDepth) levels; it was not reviewed")
                    } else {
                        try walk(relative: path, depth: depth + 1)
                    }
                case UInt32(S_IFLNK):
                    let target = FileSystem.readLink(absolute) ?? ""
                    files.append(SkillFile(path: path, kind: .symlink(target: target), size: 0, mode: mode, links: 1, inode: UInt64(status.st_ino), bytes: [], sha256: ""))
                case UInt32(S_IFREG):
                    try files.append(readRegular(path: path, absolute: absolute, status: status, mode: mode))
                default:
                    files.append(SkillFile(path: path, kind: .special, size: 0, mode: mode, links: Int(status.st_nlink), inode: UInt64(status.st_ino), bytes: [], sha256: ""))
                }
            }
        }

        mutating func readRegular(path: String, absolute: String, status: stat, mode: UInt32) throws(AuditError) -> SkillFile {
            let size = Int(status.st_size)
            totalBytes += size
            let budgetLeft = totalBytes <= limits.maxTotalBytes
            if !budgetLeft && !limitsHit.contains(where: { $0.hasPrefix("total size") }) {
                limitsHit.append("total size exceeds \(limits.maxTotalBytes >> 20) MB; later files were hashed but not reviewed")
            }
            do {
                let handle = try FileDescriptor.open(absolute, .readOnlyNoFollow)
                defer { handle.close() }
                let links = Int(status.st_nlink)
                let inode = UInt64(status.st_ino)
                if size <= limits.maxReadBytes && budgetLeft {
                    let bytes = try handle.readAll()
                    return SkillFile(path: path, kind: .regular, size: bytes.count, mode: mode, links: links, inode: inode,
                                     bytes: bytes, sha256: SHA256Hex.of(bytes))
                }
                if budgetLeft { limitsHit.append("'\(path)' is larger than \(limits.maxReadBytes >> 20) MB; only its header was reviewed") }
                // The header is enough to sniff the type; the hash streams the rest.
                var header = [UInt8](repeating: 0, count: 4096)
                let count = header.withUnsafeMutableBytes { pread(handle.raw, $0.baseAddress, $0.count, 0) }
                header.removeLast(header.count - max(0, count))
                return SkillFile(path: path, kind: .regular, size: size, mode: mode, links: links, inode: inode,
                                 bytes: header, sha256: try SHA256Hex.ofFile(handle))
            } catch {
                throw AuditError("cannot read '\(absolute)': \(error); check its permissions")
            }
        }
    }
}
