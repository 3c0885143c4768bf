import CZlibShims
import Foundation
import ZIPFoundation

/// A `.skill` archive: a zip of one skill folder. Either every entry sits under one top folder
/// (`csv-stats/SKILL.md`, as `zip -r` and Anthropic's packager make it) or the files are at the
/// root. Reading it never trusts a header: every path, type, size and ratio is checked before a
/// byte is written, and sizes are enforced again while inflating.
public struct SkillArchive {
    public let path: String
    /// The top folder's name, when the archive has one.
    public let folderName: String?
    private let archive: Archive
    /// Each entry with its checked path and its type, read once: ZIPFoundation decodes both from
    /// the header on every access.
    private let members: [(entry: Entry, path: String, type: Entry.EntryType)]
    /// The top folder and its slash, stripped from every path; empty when files sit at the root.
    private let prefix: [UInt8]

    public init(path: String, limits: TreeLimits = .default) throws(TreeError) {
        self.path = path
        if FileSystem.isSymlink(path) { throw .symlink(path) }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .corruptArchive("\(path): \(error)")
        }
        self.archive = archive
        let entries = Array(archive)
        guard !entries.isEmpty else { throw .empty }
        guard entries.count <= limits.maxFiles * 2 else { throw .tooManyFiles(limit: limits.maxFiles) }

        var seen: Set<String> = []
        var fileCount = 0
        var total: UInt64 = 0
        var topFolders: Set<String> = []
        var hasRootFile = false
        var members: [(entry: Entry, path: String, type: Entry.EntryType)] = []
        members.reserveCapacity(entries.count)
        for entry in entries {
            let normalized = try TreePath.validate(entry.path)
            guard seen.insert(normalized).inserted else { throw .duplicateEntry(normalized) }
            let type = entry.type
            members.append((entry, normalized, type))
            switch type {
            case .symlink: throw .symlink(normalized)
            case .directory: break
            case .file:
                fileCount += 1
                guard fileCount <= limits.maxFiles else { throw .tooManyFiles(limit: limits.maxFiles) }
                total += entry.uncompressedSize
                guard total <= limits.maxTotalBytes else { throw .tooLarge(limit: limits.maxTotalBytes) }
                let ratio = entry.uncompressedSize / max(entry.compressedSize, 1)
                if entry.uncompressedSize > 1 << 20 && ratio > limits.maxRatio {
                    throw .compressionRatio(normalized, ratio: ratio, limit: limits.maxRatio)
                }
            }
            if let slash = normalized.utf8.firstIndex(of: UInt8(ascii: "/")) {
                topFolders.insert(String(normalized[..<slash]))
            } else if type == .directory {
                topFolders.insert(normalized)
            } else {
                hasRootFile = true
            }
        }
        guard fileCount > 0 else { throw .empty }
        if let archiveSize = FileSystem.linkStatus(path).map({ UInt64($0.st_size) }), total > 1 << 20,
           total / max(archiveSize, 1) > limits.maxRatio
        {
            throw .compressionRatio(path, ratio: total / max(archiveSize, 1), limit: limits.maxRatio)
        }
        if !hasRootFile, topFolders.count == 1, let top = topFolders.first {
            folderName = top
            prefix = Array((top + "/").utf8)
        } else {
            folderName = nil
            prefix = []
        }
        self.members = members
    }

    /// Extracts into a tree writer, stripping the top folder.
    public func extract(into writer: TreeWriter, progress: ((Int, Int) -> Void)? = nil) throws(TreeError) {
        let files = members.filter { $0.type == .file }.count
        var done = 0
        for (entry, normalized, type) in members {
            // Every path starts with the prefix (else there would be none), or is the top folder.
            let relative = String(decoding: normalized.utf8.dropFirst(prefix.count), as: UTF8.self)
            if relative.isEmpty { continue }  // the top folder itself
            switch type {
            case .directory:
                try writer.addDirectory(relative)
            case .file:
                let permissions = (entry.fileAttributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o644
                try writer.addFile(relative, executable: permissions & 0o111 != 0, declaredSize: entry.uncompressedSize) { sink in
                    // The CRC-32 is checked here with zlib's: ZIPFoundation's own, on Linux, is a
                    // byte-at-a-time loop that cost more than inflating.
                    var checksum: UInt = 0
                    _ = try archive.extract(entry, skipCRC32: true) { data in
                        try data.withUnsafeBytes { buffer in
                            checksum = crc32(checksum, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(buffer.count))
                            try sink(buffer)
                        }
                    }
                    guard checksum == UInt(entry.checksum) else {
                        throw TreeError.corruptArchive("\(normalized): its contents do not match the archive's CRC-32")
                    }
                }
                done += 1
                progress?(done, files)
            case .symlink:
                throw .symlink(normalized)
            }
        }
    }
}
