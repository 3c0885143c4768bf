import ArgumentParser
import Foundation
import MementoCore
import PluginHost
import ZIPFoundation

struct SkillPackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Record a native skill's library hash in skill.json and zip the folder into NAME-VERSION.skill.",
        discussion: """
            For a native skill, the library named by entry.library is checked as the loader checks
            it (64-bit ELF shared object for this machine, exporting skill_abi_v1_entry, needing
            only allowed libraries) and its sha256 is written to entry.sha256: memento refuses to
            load a library whose bytes differ from that hash.

            EXAMPLES
              memento skill pack ./hello
              memento skill pack ./hello --output dist/hello.skill
              memento install hello-1.0.0.skill
            """
    )

    @Argument(help: ArgumentHelp("The skill folder.", valueName: "dir"))
    var folder: String

    @Option(help: ArgumentHelp("Where to write the archive (default: ./NAME-VERSION.skill).", valueName: "file"))
    var output: String?

    func run() throws {
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        let manifestPath = root + "/" + SkillManifest.fileName
        var name = URL(fileURLWithPath: root).lastPathComponent
        var version: String?
        if FileManager.default.fileExists(atPath: manifestPath) {
            let manifest = try SkillManifest.load(from: URL(fileURLWithPath: manifestPath))
            if manifest.kind == .native {
                let sha256 = try LibraryHashRecorder.record(inSkillAt: root)
                Terminal.note("recorded entry.sha256 \(sha256)")
            }
            name = manifest.name
            version = manifest.version.description
        }
        let destination = output ?? (FileManager.default.currentDirectoryPath + "/" + name + (version.map { "-" + $0 } ?? "") + ".skill")
        try SkillPackCommand.zip(root, topFolder: name, to: destination)
        print(destination)
    }

    /// Zips every file under one top folder, as `memento install` expects; written beside the
    /// destination and renamed into place, so a failure leaves no half archive.
    static func zip(_ root: String, topFolder: String, to destination: String) throws {
        let listing: (files: [FolderTree.File], directories: [String])
        do {
            // Build outputs and editor state are not part of a skill.
            listing = try FolderTree.files(in: root, ignoring: FolderTree.ignoredNames.union([".build", ".swiftpm"]))
        } catch {
            throw CommandError("cannot pack \(root): \(error)")
        }
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: partial), accessMode: .create)
            for file in listing.files.sorted(by: { $0.relativePath < $1.relativePath }) {
                try archive.addEntry(with: topFolder + "/" + file.relativePath, fileURL: URL(fileURLWithPath: root + "/" + file.relativePath),
                                     compressionMethod: .deflate)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw CommandError("cannot write \(destination): \(error)")
        }
        do {
            try FileSystem.rename(partial, to: destination)
        } catch {
            throw CommandError("\(error)")
        }
    }
}

extension PluginError: LocalizedUserError {}
