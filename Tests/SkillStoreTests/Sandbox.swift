import Foundation
import MementoCore
import SkillStore
import TestSupport
import ZIPFoundation

/// A throwaway directory with a Memento home and helpers to make skills and archives in it.
final class Sandbox {
    let root: String
    var home: String { root + "/home" }
    var layout: StoreLayout { StoreLayout(home: home) }

    init() throws {
        root = try FileSystem.makeTemporaryDirectory(prefix: "memento-test")
    }

    deinit { try? FileSystem.removeTree(root) }

    func store() throws -> SkillStore { try SkillStore.writer(home: home) }

    /// An instruction skill folder named `name`, with extra files.
    @discardableResult
    func skill(_ name: String, version: String = "1.0.0", description: String = "Formats tables. Use when asked for a table.",
               files: [String: String] = [:], at parent: String? = nil) throws -> String
    {
        let folder = (parent ?? root + "/src") + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let document = "---\nname: \(name)\ndescription: \(description)\nmetadata:\n  version: \"\(version)\"\n---\n# \(name)\n"
        try write(document, to: folder + "/SKILL.md")
        for (path, content) in files { try write(content, to: folder + "/" + path) }
        return folder
    }

    func write(_ content: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
    }

    enum Item {
        case file(String, Data, permissions: UInt16 = 0o644, compressed: Bool = false)
        case directory(String)
        case symlink(String, target: String)
    }

    /// Writes a zip exactly as described, hostile entries included.
    func archive(_ name: String, _ items: [Item]) throws -> String {
        let path = root + "/" + name
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for item in items {
            switch item {
            case .file(let entryPath, let data, let permissions, let compressed):
                try archive.addEntry(with: entryPath, type: .file, uncompressedSize: Int64(data.count), permissions: permissions,
                                     compressionMethod: compressed ? .deflate : .none) { (position: Int64, size: Int) -> Data in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            case .directory(let entryPath):
                try archive.addEntry(with: entryPath, type: .directory, uncompressedSize: Int64(0)) { (_: Int64, _: Int) -> Data in Data() }
            case .symlink(let entryPath, let target):
                let data = Data(target.utf8)
                try archive.addEntry(with: entryPath, type: .symlink, uncompressedSize: Int64(data.count)) { (_: Int64, _: Int) -> Data in data }
            }
        }
        return path
    }

    /// A valid archive of an instruction skill under a top folder.
    func skillArchive(_ name: String, version: String = "1.0.0", extra: [Item] = []) throws -> String {
        let document = "---\nname: \(name)\ndescription: Archived skill. Use in tests.\nmetadata:\n  version: \"\(version)\"\n---\nbody\n"
        return try archive("\(name)-\(version).skill", [.directory("\(name)/"), .file("\(name)/SKILL.md", Data(document.utf8))] + extra)
    }

    /// Everything observable about the store: records and every path with its content hash.
    func snapshot() throws -> [String] {
        var lines: [String] = []
        if let store = try SkillStore.reader(home: home) {
            lines += try store.list().map { "skill \($0.name) \($0.version) \($0.treeSha256)" }
        }
        guard let enumerator = FileManager.default.enumerator(atPath: layout.store) else { return lines }
        for case let path as String in enumerator where !path.hasPrefix("staging") && path != "lock" {
            let full = layout.store + "/" + path
            if FileSystem.isSymlink(full) {
                lines.append("link \(path) -> \(FileSystem.readLink(full) ?? "?")")
            } else if FileSystem.isDirectory(full) {
                lines.append("dir \(path)")
            } else {
                lines.append("file \(path) \((try? SHA256Hex.ofFile(atPath: full)) ?? "?")")
            }
        }
        return lines.sorted()
    }

    func stagingIsEmpty() -> Bool {
        ((try? FileSystem.entries(of: layout.staging)) ?? []).isEmpty
    }
}
