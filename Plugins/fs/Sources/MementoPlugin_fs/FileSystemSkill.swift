#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PluginSupport
import SkillABI
import SkillKit

/// File tools confined to the roots in the host's settings (`{"roots": [...]}`, default: the
/// host's working directory). Every path is resolved through its symlinks before the check.
struct FileSystemSkill: Skill {
    static let identity = SkillIdentity(name: skillName, version: skillVersion, manifest: skillManifest, flags: UInt32(SKILL_FLAG_THREAD_SAFE))
    static let tools: [SkillTool<FileSystemSkill>] = [
        .tool("read", FileSystemSkill.read), .tool("write", FileSystemSkill.write), .tool("edit", FileSystemSkill.edit),
        .tool("list", FileSystemSkill.list), .tool("glob", FileSystemSkill.glob), .tool("stat", FileSystemSkill.stat),
    ]

    struct Settings: Decodable {
        var roots: [String]?
        /// The largest file `read` and `edit` load, in bytes.
        var maxFileBytes: Int?
        enum CodingKeys: String, CodingKey { case roots, maxFileBytes = "max_file_bytes" }
    }

    static let defaultMaxFileBytes = 16 << 20

    // MARK: read

    struct ReadInput: Decodable { let path: String; let offset: Int?; let limit: Int? }
    struct ReadOutput: Encodable {
        let path: String, content: String, firstLine: Int, lastLine: Int, totalLines: Int, truncated: Bool
        enum CodingKeys: String, CodingKey { case path, content, firstLine = "first_line", lastLine = "last_line", totalLines = "total_lines", truncated }
    }

    func read(_ input: ReadInput, _ settings: Settings) throws -> ReadOutput {
        let roots = try AllowedRoots(settings.roots)
        let path = try roots.resolve(input.path)
        let text = try FileSystemSkill.text(of: path, shown: input.path, limit: settings.maxFileBytes ?? FileSystemSkill.defaultMaxFileBytes)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        let first = input.offset ?? 1
        let limit = input.limit ?? 2000
        guard first <= max(lines.count, 1) else { throw SkillError("out_of_range", "\(input.path) has \(lines.count) lines; offset \(first) is past the end") }
        let last = min(lines.count, first + limit - 1)
        let content = first <= last ? lines[(first - 1)..<last].joined(separator: "\n") : ""
        return ReadOutput(path: roots.display(path), content: content, firstLine: first, lastLine: last, totalLines: lines.count, truncated: last < lines.count)
    }

    // MARK: write

    struct WriteInput: Decodable {
        let path: String, content: String, createDirectories: Bool?
        enum CodingKeys: String, CodingKey { case path, content, createDirectories = "create_directories" }
    }
    struct WriteOutput: Encodable { let path: String; let bytes: Int; let created: Bool }

    func write(_ input: WriteInput, _ settings: Settings) throws -> WriteOutput {
        let roots = try AllowedRoots(settings.roots)
        let path = try roots.resolve(input.path)
        let parent = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) {
            guard input.createDirectories == true else {
                throw SkillError("not_found", "\(input.path): the folder \(roots.display(parent)) does not exist; pass create_directories: true to create it")
            }
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } else if !isFolder.boolValue {
            throw SkillError("not_a_folder", "\(input.path): \(roots.display(parent)) is a file, not a folder")
        }
        let existed = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if existed && isFolder.boolValue { throw SkillError("is_a_folder", "\(input.path) is a folder") }
        let data = Data(input.content.utf8)
        try FileSystemSkill.replace(path, with: data, shown: input.path)
        return WriteOutput(path: roots.display(path), bytes: data.count, created: !existed)
    }

    // MARK: edit

    struct EditInput: Decodable {
        let path: String, old: String, new: String, replaceAll: Bool?
        enum CodingKeys: String, CodingKey { case path, old, new, replaceAll = "replace_all" }
    }
    struct EditOutput: Encodable { let path: String; let replacements: Int }

    func edit(_ input: EditInput, _ settings: Settings) throws -> EditOutput {
        let roots = try AllowedRoots(settings.roots)
        let path = try roots.resolve(input.path)
        let text = try FileSystemSkill.text(of: path, shown: input.path, limit: settings.maxFileBytes ?? FileSystemSkill.defaultMaxFileBytes)
        let count = text.components(separatedBy: input.old).count - 1
        guard count > 0 else { throw SkillError("no_match", "\(input.path) does not contain the text to replace; read the file and copy the text exactly, whitespace included") }
        guard count == 1 || input.replaceAll == true else {
            throw SkillError("ambiguous", "\(input.path) contains the text \(count) times; add surrounding lines to make it unique, or pass replace_all: true")
        }
        try FileSystemSkill.replace(path, with: Data(text.replacingOccurrences(of: input.old, with: input.new).utf8), shown: input.path)
        return EditOutput(path: roots.display(path), replacements: count)
    }

    // MARK: list

    struct ListInput: Decodable { let path: String? }
    struct Entry: Encodable { let name: String; let type: String; let size: Int64 }
    struct ListOutput: Encodable { let path: String; let entries: [Entry] }

    func list(_ input: ListInput, _ settings: Settings) throws -> ListOutput {
        let roots = try AllowedRoots(settings.roots)
        let path = try roots.resolve(input.path ?? ".")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw SkillError(FileSystemSkill.exists(path) ? "not_a_folder" : "not_found", "\(input.path ?? "."): \(FileSystemSkill.exists(path) ? "not a folder" : "no such folder")")
        }
        let entries = names.sorted().map { name in
            let status = FileSystemSkill.status(path + "/" + name)
            return Entry(name: name, type: status.map(FileSystemSkill.typeName) ?? "unknown", size: status.map { Int64($0.st_size) } ?? 0)
        }
        return ListOutput(path: roots.display(path), entries: entries)
    }

    // MARK: glob

    struct GlobInput: Decodable { let pattern: String; let path: String?; let limit: Int? }
    struct GlobOutput: Encodable { let matches: [String]; let truncated: Bool }

    func glob(_ input: GlobInput, _ settings: Settings) throws -> GlobOutput {
        let roots = try AllowedRoots(settings.roots)
        let base = try roots.resolve(input.path ?? ".")
        // Split as bytes, as the filesystem does: a combining mark after `/` must not hide it.
        let pattern = input.pattern.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
        guard input.pattern.utf8.first != UInt8(ascii: "/"), !pattern.contains(where: { $0.utf8.elementsEqual("..".utf8) }) else {
            throw SkillError("invalid_arguments", "the pattern must be relative to path and must not contain '..'")
        }
        let limit = input.limit ?? 1000
        var matches: [String] = []
        var truncated = false
        try GlobWalk(roots: roots, limit: limit).walk(base, relative: "", pattern[...], into: &matches, truncated: &truncated)
        return GlobOutput(matches: matches.sorted(), truncated: truncated)
    }

    // MARK: stat

    struct StatInput: Decodable { let path: String }
    struct StatOutput: Encodable {
        let path: String, exists: Bool, type: String?, size: Int64?, mode: String?, modified: Double?
    }

    func stat(_ input: StatInput, _ settings: Settings) throws -> StatOutput {
        let roots = try AllowedRoots(settings.roots)
        let path = try roots.resolve(input.path)
        guard let status = FileSystemSkill.status(path) else {
            return StatOutput(path: roots.display(path), exists: false, type: nil, size: nil, mode: nil, modified: nil)
        }
        return StatOutput(path: roots.display(path), exists: true, type: FileSystemSkill.typeName(status), size: Int64(status.st_size),
                          mode: String(status.st_mode & 0o7777, radix: 8),
                          modified: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
    }

    // MARK: helpers

    static func text(of path: String, shown: String, limit: Int) throws -> String {
        guard let status = status(path) else { throw SkillError("not_found", "\(shown): no such file") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw SkillError("not_a_file", "\(shown) is a \(typeName(status)), not a file") }
        guard Int(status.st_size) <= limit else { throw SkillError("too_large", "\(shown) is \(status.st_size) bytes, over the \(limit)-byte limit; read a smaller file or raise max_file_bytes") }
        guard let data = FileManager.default.contents(atPath: path) else { throw SkillError("unreadable", "\(shown) cannot be read (permissions?)") }
        guard let text = String(data: data, encoding: .utf8) else { throw SkillError("not_text", "\(shown) is not UTF-8 text") }
        return text
    }

    /// Writes beside the file and renames over it, keeping the old file's permissions.
    static func replace(_ path: String, with data: Data, shown: String) throws {
        let temporary = (path as NSString).deletingLastPathComponent + "/.\((path as NSString).lastPathComponent).memento-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let mode = status(path).map { $0.st_mode & 0o7777 } ?? 0o644
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: Int(mode)]) else {
            throw SkillError("unwritable", "\(shown) cannot be written (permissions, or the disk is full)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SkillError("unwritable", "\(shown): \(reason)")
        }
    }

    static func status(_ path: String) -> stat? {
        var status = Glibc.stat()
        return lstat(path, &status) == 0 ? status : nil
    }

    static func exists(_ path: String) -> Bool { status(path) != nil }

    static func typeName(_ status: stat) -> String {
        switch status.st_mode & S_IFMT {
        case S_IFREG: return "file"
        case S_IFDIR: return "folder"
        case S_IFLNK: return "symlink"
        default: return "other"
        }
    }
}

/// `**`-aware matching, one path component at a time with fnmatch(3). Folders are entered only
/// when they resolve inside the roots, so a symlinked folder cannot lead the walk outside.
struct GlobWalk {
    let roots: AllowedRoots
    let limit: Int

    func walk(_ folder: String, relative: String, _ pattern: ArraySlice<String>, into matches: inout [String], truncated: inout Bool) throws {
        guard let head = pattern.first, !truncated else { return }
        let rest = pattern.dropFirst()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        if head == "**" {
            // Zero folders, then each subfolder with the same pattern.
            try walk(folder, relative: relative, rest, into: &matches, truncated: &truncated)
            for name in names where !name.hasPrefix(".") {
                let path = folder + "/" + name
                guard isFolderInsideRoots(path) else { continue }
                try walk(path, relative: relative + name + "/", pattern, into: &matches, truncated: &truncated)
            }
            return
        }
        for name in names where fnmatch(head, name, FNM_PERIOD) == 0 {
            let path = folder + "/" + name
            if rest.isEmpty {
                // A link that leads out of the roots is not a match: the tools could not open it.
                guard (try? roots.resolve(path)) != nil else { continue }
                guard matches.count < limit else { truncated = true; return }
                matches.append(relative + name)
            } else if isFolderInsideRoots(path) {
                try walk(path, relative: relative + name + "/", rest, into: &matches, truncated: &truncated)
            }
        }
    }

    private func isFolderInsideRoots(_ path: String) -> Bool {
        guard let canonical = try? roots.resolve(path) else { return false }
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: canonical, isDirectory: &isFolder) && isFolder.boolValue
    }
}

@c(skill_abi_v1_entry)
public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
    SkillExport.entry(FileSystemSkill.self, major, minor)
}
