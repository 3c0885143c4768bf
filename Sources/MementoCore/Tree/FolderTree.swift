#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks a folder on disk as a skill tree: regular files and directories only.
public enum FolderTree {
    /// Version-control metadata is never part of a skill, so a source checkout installs cleanly.
    public static let ignoredNames: Set<String> = [".git"]

    public struct File: Sendable {
        public let relativePath: String
        public let isExecutable: Bool
        public let size: UInt64
    }

    /// Lists every file, refusing symlinks, hard links and special files anywhere in the tree.
    public static func files(in root: String, limits: TreeLimits = .default, ignoring: Set<String> = ignoredNames) throws(TreeError) -> (files: [File], directories: [String]) {
        var files: [File] = []
        var directories: [String] = []
        var total: UInt64 = 0
        func walk(_ relative: String) throws(TreeError) {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            let names: [String]
            do { names = try FileSystem.entries(of: absolute) } catch { throw .io(error) }
            for name in names.sorted() where !ignoring.contains(name) {
                let path = relative.isEmpty ? name : relative + "/" + name
                _ = try TreePath.validate(path)
                guard let info = FileSystem.linkStatus(root + "/" + path) else { throw .io(FileSystemError("stat", root + "/" + path)) }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    directories.append(path)
                    try walk(path)
                case S_IFREG:
                    if info.st_nlink > 1 { throw .hardLink(path) }
                    guard files.count < limits.maxFiles else { throw .tooManyFiles(limit: limits.maxFiles) }
                    total += UInt64(info.st_size)
                    guard total <= limits.maxTotalBytes else { throw .tooLarge(limit: limits.maxTotalBytes) }
                    files.append(File(relativePath: path, isExecutable: info.st_mode & 0o111 != 0, size: UInt64(info.st_size)))
                case S_IFLNK:
                    throw .symlink(path)
                default:
                    throw .specialFile(path)
                }
            }
        }
        guard FileSystem.isDirectory(root) else { throw .io(FileSystemError("read folder", root, code: ENOTDIR)) }
        try walk("")
        return (files, directories)
    }

    /// Hashes a tree in place; `doctor` and `verify` use it to find a file changed after install.
    public static func entries(in root: String, limits: TreeLimits = .default) throws(TreeError) -> [TreeEntry] {
        var entries: [TreeEntry] = []
        for file in try files(in: root, limits: limits, ignoring: []).files {
            let digest: String
            do { digest = try SHA256Hex.ofFile(atPath: root + "/" + file.relativePath) } catch { throw .io(error) }
            entries.append(TreeEntry(path: file.relativePath, isExecutable: file.isExecutable, size: file.size, sha256: digest))
        }
        return entries
    }

    /// Copies a source folder into a tree writer, byte for byte.
    public static func copy(from root: String, into writer: TreeWriter, limits: TreeLimits = .default,
                            progress: ((Int, Int) -> Void)? = nil) throws(TreeError)
    {
        let listing = try files(in: root, limits: limits)
        for directory in listing.directories { try writer.addDirectory(directory) }
        for (index, file) in listing.files.enumerated() {
            let source: FileDescriptor
            do { source = try FileDescriptor.open(root + "/" + file.relativePath, .readOnlyNoFollow) } catch { throw .io(error) }
            defer { source.close() }
            try writer.addFile(file.relativePath, executable: file.isExecutable, declaredSize: file.size) { sink in
                try source.readChunks { chunk in try sink(chunk) }
            }
            progress?(index + 1, listing.files.count)
        }
    }
}
