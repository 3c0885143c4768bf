#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemShims
import Foundation

/// A failed system call on a path, with errno's text.
public struct FileSystemError: Error, Hashable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let code: Int32

    public init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// An owned file descriptor. Raw POSIX on purpose: crash safety depends on the exact order of
/// write, fsync and rename, which Foundation's file APIs do not expose.
public struct FileDescriptor: Sendable {
    public let raw: Int32
    public let path: String

    public enum Mode: Sendable {
        case readOnly
        /// Read-only, refusing a symlink in the last component.
        case readOnlyNoFollow
        /// A new file that must not exist yet.
        case createExclusive(permissions: mode_t)
        case directory
        /// Appends to a file, creating it if needed (a resumable download).
        case append(permissions: mode_t)
    }

    public static func open(_ path: String, _ mode: Mode) throws(FileSystemError) -> FileDescriptor {
        let fd: Int32
        switch mode {
        case .readOnly: fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        case .readOnlyNoFollow: fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        case .createExclusive(let permissions): fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, permissions)
        case .directory: fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        case .append(let permissions): fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, permissions)
        }
        guard fd >= 0 else { throw FileSystemError("open", path) }
        return FileDescriptor(raw: fd, path: path)
    }

    public func close() { _ = Glibc.close(raw) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        try CrashInjection.point()
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(raw, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("write", path)
            }
            offset += written
        }
    }

    public func write(_ data: some DataProtocol) throws(FileSystemError) {
        let bytes = Array(data)
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(FileSystemError) in try write(buffer) }
        }.get()
    }

    public func sync() throws(FileSystemError) {
        try CrashInjection.point()
        guard fsync(raw) == 0 else { throw FileSystemError("fsync", path) }
    }

    public func setPermissions(_ permissions: mode_t) throws(FileSystemError) {
        guard fchmod(raw, permissions) == 0 else { throw FileSystemError("chmod", path) }
    }

    public func status() throws(FileSystemError) -> stat {
        var info = stat()
        guard fstat(raw, &info) == 0 else { throw FileSystemError("stat", path) }
        return info
    }

    /// Calls `body` with successive chunks of the file until its end. Errors from `body` pass
    /// through unchanged; read failures are `FileSystemError`s.
    public func readChunks(size: Int = 1 << 16, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(raw, buffer.baseAddress, size)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path)
            }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    public func readAll() throws(FileSystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        try readChunksOnly { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// `readChunks` for a body that cannot fail, keeping the error type precise.
    public func readChunksOnly(size: Int = 1 << 16, _ body: (UnsafeRawBufferPointer) -> Void) throws(FileSystemError) {
        do {
            try readChunks(size: size, body)
        } catch let error as FileSystemError {
            throw error
        } catch {
            throw FileSystemError("read", path, code: EIO)
        }
    }
}

/// The path-level operations the store is built from.
public enum FileSystem {
    public static func rename(_ source: String, to destination: String) throws(FileSystemError) {
        try CrashInjection.point()
        guard Glibc.rename(source, destination) == 0 else { throw FileSystemError("rename \(source) to", destination) }
    }

    /// Swaps two paths in one step, so a reader sees either the old or the new one at each path.
    public static func exchange(_ first: String, _ second: String) throws(FileSystemError) {
        try CrashInjection.point()
        guard memento_rename_exchange(first, second) == 0 else { throw FileSystemError("exchange \(first) with", second) }
    }

    public static func symlink(target: String, at path: String) throws(FileSystemError) {
        try CrashInjection.point()
        guard Glibc.symlink(target, path) == 0 else { throw FileSystemError("create symlink", path) }
    }

    public static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func makeDirectory(_ path: String, permissions: mode_t = 0o755) throws(FileSystemError) {
        try CrashInjection.point()
        guard mkdir(path, permissions) == 0 else { throw FileSystemError("create directory", path) }
    }

    /// Creates `path` and any missing parents; an existing directory is fine.
    public static func makeDirectories(_ path: String, permissions: mode_t = 0o755) throws(FileSystemError) {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectories(parent, permissions: permissions) }
        if mkdir(path, permissions) != 0 && errno != EEXIST { throw FileSystemError("create directory", path) }
    }

    public static func linkStatus(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    public static func exists(_ path: String) -> Bool { linkStatus(path) != nil }

    public static func isDirectory(_ path: String) -> Bool {
        guard let info = linkStatus(path) else { return false }
        return info.st_mode & S_IFMT == S_IFDIR
    }

    public static func isSymlink(_ path: String) -> Bool {
        guard let info = linkStatus(path) else { return false }
        return info.st_mode & S_IFMT == S_IFLNK
    }

    public static func setPermissions(_ path: String, _ permissions: mode_t) throws(FileSystemError) {
        guard chmod(path, permissions) == 0 else { throw FileSystemError("chmod", path) }
    }

    public static func unlink(_ path: String) throws(FileSystemError) {
        try CrashInjection.point()
        guard Glibc.unlink(path) == 0 else { throw FileSystemError("remove", path) }
    }

    /// Flushes a directory's entries, so a rename into it survives a power cut.
    public static func syncDirectory(_ path: String) throws(FileSystemError) {
        let directory = try FileDescriptor.open(path, .directory)
        defer { directory.close() }
        try directory.sync()
    }

    /// Flushes every dirty page of the filesystem holding `path`: one call instead of an fsync per
    /// file when a whole tree was just written.
    public static func syncFilesystem(containing path: String) throws(FileSystemError) {
        try CrashInjection.point()
        let directory = try FileDescriptor.open(path, .directory)
        defer { directory.close() }
        guard memento_syncfs(directory.raw) == 0 else { throw FileSystemError("sync filesystem of", path) }
    }

    /// Entry names of a directory, without `.` and `..`, unsorted. A name that is not UTF-8 comes
    /// back repaired (U+FFFD) and so cannot be opened by it; `removeTree` does not depend on this.
    public static func entries(of path: String) throws(FileSystemError) -> [String] {
        try entryBytes(of: Array(path.utf8CString), display: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Removes every entry of `directory` whose name is not in `kept` (files: a subfolder is refused
    /// by unlink). A missing directory has nothing to remove. For caches and content-addressed
    /// folders that keep only what the current index names.
    public static func removeEntries(of directory: String, except kept: Set<String>) throws(FileSystemError) {
        guard isDirectory(directory) else { return }
        for name in try entries(of: directory) where !kept.contains(name) { try unlink(directory + "/" + name) }
    }

    /// Raw entry names, without `.` and `..`. The directory is closed before returning, so a caller
    /// recursing into a deep tree does not hold a descriptor per level.
    private static func entryBytes(of path: [CChar], display: String) throws(FileSystemError) -> [[UInt8]] {
        guard let handle = opendir(path) else { throw FileSystemError("list", display) }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while let entry = readdir(handle) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes != [0x2E] && bytes != [0x2E, 0x2E] { names.append(bytes) }
        }
        return names
    }

    /// A new, private (0700) folder under the system's temporary directory; the caller removes it.
    public static func makeTemporaryDirectory(prefix: String) throws(FileSystemError) -> String {
        let pattern = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + "-XXXXXX").path
        var template = Array(pattern.utf8CString)
        guard let made = mkdtemp(&template) else { throw FileSystemError("create a temporary folder like", pattern) }
        return String(cString: made)
    }

    /// Removes a file or a whole tree, making read-only directories writable first. Never follows
    /// a symlink: a link is removed, not what it points to.
    public static func removeTree(_ path: String) throws(FileSystemError) {
        guard linkStatus(path) != nil else { return }
        try removeTree(bytes: Array(path.utf8))
    }

    /// Works on raw path bytes, as `readdir` gives names, so an entry whose name is not UTF-8 (an
    /// unpacked archive can hold one) is removed like any other, not lost in a lossy `String`.
    private static func removeTree(bytes path: [UInt8]) throws(FileSystemError) {
        let cPath = path.map { CChar(bitPattern: $0) } + [0]
        let display = String(decoding: path, as: UTF8.self)
        var info = stat()
        guard lstat(cPath, &info) == 0 else { throw FileSystemError("stat", display) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            try CrashInjection.point()
            guard Glibc.unlink(cPath) == 0 else { throw FileSystemError("remove", display) }
            return
        }
        // Listing needs read, unlinking entries needs write and search: restore all three.
        if info.st_mode & S_IRWXU != S_IRWXU {
            guard chmod(cPath, 0o700) == 0 else { throw FileSystemError("chmod", display) }
        }
        for name in try entryBytes(of: cPath, display: display) {
            try removeTree(bytes: path + [UInt8(ascii: "/")] + name)
        }
        try CrashInjection.point()
        guard rmdir(cPath) == 0 else { throw FileSystemError("remove directory", display) }
    }

    /// Writes a file so that it either appears whole under `path` or not at all:
    /// temp file beside it, fsync, rename, fsync of the directory.
    public static func writeAtomically(_ data: some DataProtocol, to path: String, permissions: mode_t = 0o644) throws(FileSystemError) {
        // A bare file name lives in the working directory; "" + "/" would put the temp file in `/`.
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        // Unique per call, not per process: two threads writing the same path must not share a
        // temp file, or one would unlink or rename the other's half-written data.
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let file = try FileDescriptor.open(temporary, .createExclusive(permissions: permissions))
        do {
            try file.write(data)
            try file.sync()
            file.close()
        } catch {
            file.close()
            _ = Glibc.unlink(temporary)
            throw error
        }
        do {
            try rename(temporary, to: path)
        } catch {
            _ = Glibc.unlink(temporary)
            throw error
        }
        try syncDirectory(directory)
    }
}
