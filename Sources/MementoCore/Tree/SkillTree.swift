#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto

/// One file of a skill tree, as the tree hash sees it.
public struct TreeEntry: Hashable, Sendable, Codable {
    /// Relative, `/`-separated, never `..`, never absolute.
    public let path: String
    public let isExecutable: Bool
    public let size: UInt64
    public let sha256: String

    public init(path: String, isExecutable: Bool, size: UInt64, sha256: String) {
        self.path = path
        self.isExecutable = isExecutable
        self.size = size
        self.sha256 = sha256
    }

    /// The mode as the hash records it: only the executable bit matters, as in git, because the
    /// store makes every file read-only and the hash must not change when it does.
    public var modeText: String { isExecutable ? "100755" : "100644" }
}

/// The identity of a release's content: sha256 over the lines `path\0mode\0size\0sha256(file)\n`,
/// sorted by path bytes. Dotfiles count; empty directories do not exist for it.
public enum TreeHash {
    public static func of(_ entries: [TreeEntry]) -> String {
        var hasher = SHA256()
        for entry in entries.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }) {
            var line: [UInt8] = []
            line.append(contentsOf: entry.path.utf8)
            line.append(0)
            line.append(contentsOf: entry.modeText.utf8)
            line.append(0)
            line.append(contentsOf: String(entry.size).utf8)
            line.append(0)
            line.append(contentsOf: entry.sha256.utf8)
            line.append(0x0A)
            hasher.update(data: line)
        }
        return SHA256Hex.hex(hasher.finalize())
    }
}

/// Why a tree or an archive was refused. Each case names the offending path.
public enum TreeError: Error, Hashable, Sendable, CustomStringConvertible {
    case unsafePath(String, reason: String)
    case symlink(String)
    case hardLink(String)
    case specialFile(String)
    case duplicateEntry(String)
    case tooManyFiles(limit: Int)
    case tooLarge(limit: UInt64)
    case compressionRatio(String, ratio: UInt64, limit: UInt64)
    case sizeMismatch(String)
    case corruptArchive(String)
    case empty
    case io(FileSystemError)

    public var description: String {
        switch self {
        case .unsafePath(let path, let reason): return "refused path '\(path)': \(reason)"
        case .symlink(let path): return "'\(path)' is a symbolic link; skills must contain regular files only"
        case .hardLink(let path): return "'\(path)' is a hard link; copy the file instead of linking it"
        case .specialFile(let path): return "'\(path)' is a device, socket or pipe; skills must contain regular files only"
        case .duplicateEntry(let path): return "the archive holds '\(path)' more than once"
        case .tooManyFiles(let limit): return "more than \(limit) files; a skill that large is refused"
        case .tooLarge(let limit): return "more than \(limit / (1 << 20)) MiB of content; a skill that large is refused"
        case .compressionRatio(let path, let ratio, let limit):
            return "'\(path)' expands \(ratio)× (limit \(limit)×): a zip bomb"
        case .sizeMismatch(let path): return "'\(path)' holds more data than its header declares: a zip bomb or a corrupt archive"
        case .corruptArchive(let reason): return "not a readable .skill (zip) archive: \(reason)"
        case .empty: return "no files to install"
        case .io(let error): return error.description
        }
    }
}

/// Limits that keep a hostile archive or folder from filling the disk.
public struct TreeLimits: Hashable, Sendable {
    public var maxFiles: Int
    public var maxTotalBytes: UInt64
    public var maxRatio: UInt64

    public init(maxFiles: Int = 10_000, maxTotalBytes: UInt64 = 256 << 20, maxRatio: UInt64 = 200) {
        self.maxFiles = maxFiles
        self.maxTotalBytes = maxTotalBytes
        self.maxRatio = maxRatio
    }

    public static let `default` = TreeLimits()
}

/// Checks a relative path from an archive or a folder walk. Refuses anything that could land
/// outside the destination or means different things on different systems.
public enum TreePath {
    /// `path` without trailing slashes, or why it is refused. Checked as the bytes the
    /// filesystem will see, never as Swift Characters: a combining mark after a `/` joins it into
    /// one Character, so `"../\u{301}x"` has no `/` Character and no `..` component, yet
    /// `open(2)` climbs out of the folder with it.
    public static func validate(_ path: String) throws(TreeError) -> String {
        let bytes = Array(path.utf8)
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        if bytes.isEmpty { throw .unsafePath(path, reason: "empty name") }
        if bytes[0] == slash { throw .unsafePath(path, reason: "absolute paths are not allowed") }
        if bytes.contains(UInt8(ascii: "\\")) { throw .unsafePath(path, reason: "backslashes are not allowed") }
        if bytes.contains(0) { throw .unsafePath(path, reason: "NUL bytes are not allowed") }
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":") { throw .unsafePath(path, reason: "drive letters are not allowed") }
        var end = bytes.count
        while end > 0, bytes[end - 1] == slash { end -= 1 }
        for component in bytes[..<end].split(separator: slash, omittingEmptySubsequences: false) {
            if component.elementsEqual([dot, dot]) { throw .unsafePath(path, reason: "'..' would escape the skill folder") }
            if component.isEmpty || component.elementsEqual([dot]) { throw .unsafePath(path, reason: "empty or '.' path component") }
            if component.count > 255 { throw .unsafePath(path, reason: "a name longer than 255 bytes") }
        }
        return end == bytes.count ? path : String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The non-empty components of `path`, split at its `/` bytes: where the filesystem splits it,
    /// which a split at `/` Characters misses when a combining mark follows the slash.
    public static func components(_ path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True when `path` is absolute or climbs with a `..` component.
    public static func escapes(_ path: String) -> Bool {
        path.utf8.first == UInt8(ascii: "/") || components(path).contains("..")
    }
}

/// Writes a tree into a fresh directory, hashing every file as it is written, so the hash is of
/// exactly the bytes on disk. Files are created with O_EXCL (a duplicate can never overwrite) and
/// end read-only.
public final class TreeWriter {
    public let root: String
    public private(set) var entries: [TreeEntry] = []
    private var directories: Set<String> = [""]
    private var totalBytes: UInt64 = 0
    private let limits: TreeLimits

    public init(root: String, limits: TreeLimits = .default) throws(TreeError) {
        self.root = root
        self.limits = limits
        do {
            try FileSystem.makeDirectory(root, permissions: 0o755)
        } catch {
            throw .io(error)
        }
    }

    public func addDirectory(_ relativePath: String) throws(TreeError) {
        let path = try TreePath.validate(relativePath)
        try ensureDirectory(path)
    }

    /// Writes one file from chunks that `produce` hands to the sink. `declaredSize` (from an archive
    /// header) is enforced while writing, so a lying header cannot expand past it.
    public func addFile(_ relativePath: String, executable: Bool, declaredSize: UInt64? = nil,
                        produce: (_ sink: (UnsafeRawBufferPointer) throws(TreeError) -> Void) throws -> Void) throws(TreeError)
    {
        let path = try TreePath.validate(relativePath)
        guard entries.count < limits.maxFiles else { throw .tooManyFiles(limit: limits.maxFiles) }
        if let parent = path.lastIndex(of: "/").map({ String(path[..<$0]) }) { try ensureDirectory(parent) }
        if directories.contains(path) { throw .duplicateEntry(path) }
        let fullPath = root + "/" + path
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(fullPath, .createExclusive(permissions: 0o600))
        } catch let error {
            if error.code == EEXIST { throw .duplicateEntry(path) }
            throw .io(error)
        }
        defer { file.close() }
        var hasher = SHA256()
        var written: UInt64 = 0
        let limit = limits.maxTotalBytes
        let sink: (UnsafeRawBufferPointer) throws(TreeError) -> Void = { [self] chunk throws(TreeError) in
            written += UInt64(chunk.count)
            if let declaredSize, written > declaredSize { throw .sizeMismatch(path) }
            if totalBytes + written > limit { throw .tooLarge(limit: limit) }
            hasher.update(bufferPointer: chunk)
            do throws(FileSystemError) { try file.write(chunk) } catch { throw .io(error) }
        }
        do {
            try produce(sink)
        } catch let error as TreeError {
            throw error
        } catch {
            throw .corruptArchive("\(path): \(error)")
        }
        if let declaredSize, written != declaredSize { throw .sizeMismatch(path) }
        do {
            try file.setPermissions(executable ? 0o555 : 0o444)
        } catch {
            throw .io(error)
        }
        totalBytes += written
        entries.append(TreeEntry(path: path, isExecutable: executable, size: written, sha256: SHA256Hex.hex(hasher.finalize())))
    }

    private func ensureDirectory(_ path: String) throws(TreeError) {
        guard !directories.contains(path) else { return }
        if entries.contains(where: { $0.path == path }) { throw .duplicateEntry(path) }
        if let parent = path.lastIndex(of: "/").map({ String(path[..<$0]) }) { try ensureDirectory(parent) } else { try ensureDirectory("") }
        do {
            try FileSystem.makeDirectory(root + "/" + path, permissions: 0o755)
        } catch {
            throw .io(error)
        }
        directories.insert(path)
    }

    /// Seals the tree: directories become read-only, deepest first, and the filesystem is flushed
    /// so the tree is durable before anything refers to it.
    public func seal() throws(TreeError) -> String {
        guard !entries.isEmpty else { throw .empty }
        do {
            for directory in directories.sorted(by: { $0.count > $1.count }) {
                try FileSystem.setPermissions(directory.isEmpty ? root : root + "/" + directory, 0o555)
            }
            try FileSystem.syncFilesystem(containing: root)
        } catch {
            throw .io(error)
        }
        return TreeHash.of(entries)
    }
}
