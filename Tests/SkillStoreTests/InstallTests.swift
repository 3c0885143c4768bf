import Foundation
import MementoCore
import SkillStore
import Testing

@Suite struct InstallTests {
    @Test func installsAFolderAndRecordsItsTree() throws {
        let box = try Sandbox()
        let folder = try box.skill("table-maker", files: ["scripts/run.sh": "#!/bin/sh\necho hi\n", ".hidden": "x"])
        chmod(folder + "/scripts/run.sh", 0o755)
        let outcome = try box.store().install(InstallRequest(path: folder))
        #expect(outcome.name == "table-maker")
        #expect(outcome.version == "1.0.0")
        #expect(!outcome.alreadyInstalled)

        let installed = try #require(try SkillStore.reader(home: box.home)?.list().first)
        #expect(installed.treeSha256 == outcome.treeSha256)
        #expect(installed.source == folder)
        let current = box.layout.current("table-maker")
        #expect(FileSystem.readLink(current) == "1.0.0")
        // The tree on disk hashes to the record, dotfiles and the executable bit included.
        let entries = try FolderTree.entries(in: current + "/")
        #expect(TreeHash.of(entries) == outcome.treeSha256)
        #expect(entries.contains { $0.path == "scripts/run.sh" && $0.isExecutable })
        #expect(entries.contains { $0.path == ".hidden" })
        // Installed files and folders are read-only.
        let info = try #require(FileSystem.linkStatus(current + "/SKILL.md"))
        #expect(info.st_mode & 0o222 == 0)
        #expect(box.stagingIsEmpty())
    }

    @Test func treeHashFollowsTheSpecifiedLineFormat() {
        let entries = [TreeEntry(path: "b", isExecutable: true, size: 1, sha256: String(repeating: "b", count: 64)),
                       TreeEntry(path: "a", isExecutable: false, size: 10, sha256: String(repeating: "a", count: 64))]
        let lines = "a\u{0}100644\u{0}10\u{0}\(String(repeating: "a", count: 64))\n" + "b\u{0}100755\u{0}1\u{0}\(String(repeating: "b", count: 64))\n"
        #expect(TreeHash.of(entries) == SHA256Hex.of(Data(lines.utf8)))
    }

    @Test func installsArchivesWithATopFolderOrFlat() throws {
        let box = try Sandbox()
        let store = try box.store()
        let topFolder = try box.skillArchive("zipped-skill")
        let outcome = try store.install(InstallRequest(path: topFolder))
        #expect(outcome.archiveSha256 == (try SHA256Hex.ofFile(atPath: topFolder)))
        #expect(FileSystem.exists(box.layout.blob(try #require(outcome.archiveSha256))))

        let flatDocument = "---\nname: flat-skill\ndescription: Flat archive. Use in tests.\n---\nbody\n"
        let flat = try box.archive("flat.skill", [.file("SKILL.md", Data(flatDocument.utf8), compressed: true)])
        let flatOutcome = try store.install(InstallRequest(path: flat))
        #expect(flatOutcome.name == "flat-skill")
        #expect(flatOutcome.version == "0.0.0")
    }

    @Test func reinstallingTheSameContentIsANoOpButNewContentNeedsANewVersion() throws {
        let box = try Sandbox()
        let store = try box.store()
        let folder = try box.skill("same-skill")
        _ = try store.install(InstallRequest(path: folder))
        let again = try store.install(InstallRequest(path: folder))
        #expect(again.alreadyInstalled)

        try box.write("changed", to: folder + "/notes.md")
        let before = try box.snapshot()
        #expect(throws: StoreError.self) { try store.install(InstallRequest(path: folder)) }
        #expect(try box.snapshot() == before)
    }

    @Test func upgradeKeepsThePreviousVersionForRollback() throws {
        let box = try Sandbox()
        let store = try box.store()
        _ = try store.install(InstallRequest(path: try box.skill("versions", version: "1.0.0", at: box.root + "/v1")))
        let second = try store.install(InstallRequest(path: try box.skill("versions", version: "1.1.0", at: box.root + "/v2")))
        #expect(second.previousVersion == "1.0.0")
        let back = try store.rollback("versions")
        #expect(back == (from: "1.1.0", to: "1.0.0"))
        #expect(FileSystem.readLink(box.layout.current("versions")) == "1.0.0")
        let forth = try store.rollback("versions")
        #expect(forth.to == "1.1.0")
        _ = try store.rollback("versions", to: "1.0.0")
        #expect(throws: StoreError.self) { try store.rollback("versions", to: "9.9.9") }
    }

    @Test func rollbackWithoutAPreviousVersionIsRefused() throws {
        let box = try Sandbox()
        let store = try box.store()
        _ = try store.install(InstallRequest(path: try box.skill("single")))
        #expect(throws: StoreError.self) { try store.rollback("single") }
        #expect(throws: StoreError.self) { try store.rollback("missing") }
    }
}

/// Every refused input: the error is the expected one and the store is exactly as before.
@Suite struct RefusedInputTests {
    /// Installs `path` into a store that already holds one skill; asserts the refusal and no change.
    func expectRefusal(_ box: Sandbox, _ path: String, limits: TreeLimits = .default,
                       sourceLocation: SourceLocation = #_sourceLocation, _ matches: @escaping (StoreError) -> Bool) throws
    {
        let store = try box.store()
        if try store.list().isEmpty { _ = try store.install(InstallRequest(path: try box.skill("bystander"))) }
        let before = try box.snapshot()
        do {
            _ = try store.install(InstallRequest(path: path, limits: limits))
            Issue.record("install of \(path) succeeded but should have been refused", sourceLocation: sourceLocation)
        } catch {
            let expected = matches(error)
            #expect(expected, "unexpected error: \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty)
        }
        #expect(try box.snapshot() == before, "the store changed", sourceLocation: sourceLocation)
        #expect(box.stagingIsEmpty(), "staging kept leftovers", sourceLocation: sourceLocation)
    }

    static func isTree(_ error: StoreError, _ check: (TreeError) -> Bool) -> Bool {
        if case .badTree(_, let tree) = error { return check(tree) }
        return false
    }

    @Test func zipSlip() throws {
        let box = try Sandbox()
        let path = try box.archive("slip.skill", [.file("SKILL.md", Data("x".utf8)), .file("../../evil.sh", Data("boom".utf8))])
        try expectRefusal(box, path) { Self.isTree($0) { if case .unsafePath = $0 { return true }; return false } }
        #expect(!FileManager.default.fileExists(atPath: box.root + "/evil.sh"))
    }

    /// A combining mark after the `/` makes `/\u{301}` one Swift Character; the filesystem still
    /// sees `..` and climbs out of the staging folder unless names are checked as bytes.
    @Test func zipSlipBehindACombiningMark() throws {
        let box = try Sandbox()
        let path = try box.archive("mark.skill", [.file("SKILL.md", Data("x".utf8)), .file("../\u{301}evil.sh", Data("boom".utf8))])
        try expectRefusal(box, path) { Self.isTree($0) { if case .unsafePath = $0 { return true }; return false } }
    }

    @Test func absolutePath() throws {
        let box = try Sandbox()
        let path = try box.archive("absolute.skill", [.file("/tmp/memento-absolute-evil", Data("x".utf8))])
        try expectRefusal(box, path) { Self.isTree($0) { if case .unsafePath = $0 { return true }; return false } }
    }

    @Test func symlinkEntry() throws {
        let box = try Sandbox()
        let path = try box.archive("link.skill", [.file("s/SKILL.md", Data("x".utf8)), .symlink("s/passwd", target: "/etc/passwd")])
        try expectRefusal(box, path) { Self.isTree($0) { if case .symlink = $0 { return true }; return false } }
    }

    @Test func duplicateEntries() throws {
        let box = try Sandbox()
        let path = try box.archive("dup.skill", [.file("SKILL.md", Data("a".utf8)), .file("SKILL.md", Data("b".utf8))])
        try expectRefusal(box, path) { Self.isTree($0) { if case .duplicateEntry = $0 { return true }; return false } }
    }

    @Test func zipBombByRatio() throws {
        let box = try Sandbox()
        let zeros = Data(count: 8 << 20)
        let path = try box.archive("bomb.skill", [.file("SKILL.md", Data("x".utf8)), .file("zeros.bin", zeros, compressed: true)])
        try expectRefusal(box, path) { Self.isTree($0) { if case .compressionRatio = $0 { return true }; return false } }
    }

    @Test func tooManyFiles() throws {
        let box = try Sandbox()
        let items = (0..<30).map { Sandbox.Item.file("f\($0).txt", Data("x".utf8)) }
        let path = try box.archive("many.skill", items)
        try expectRefusal(box, path, limits: TreeLimits(maxFiles: 20)) { Self.isTree($0) { if case .tooManyFiles = $0 { return true }; return false } }
    }

    @Test func tooLarge() throws {
        let box = try Sandbox()
        let path = try box.archive("large.skill", [.file("big.bin", Data(repeating: 7, count: 64 << 10))])
        try expectRefusal(box, path, limits: TreeLimits(maxTotalBytes: 32 << 10)) { Self.isTree($0) { if case .tooLarge = $0 { return true }; return false } }
    }

    @Test func notAZip() throws {
        let box = try Sandbox()
        try box.write("this is not a zip", to: box.root + "/garbage.skill")
        try expectRefusal(box, box.root + "/garbage.skill") { Self.isTree($0) { if case .corruptArchive = $0 { return true }; return false } }
    }

    @Test func truncatedArchive() throws {
        let box = try Sandbox()
        let path = try box.skillArchive("cut-short", extra: [.file("cut-short/data.bin", Data(repeating: 1, count: 4096))])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        try expectRefusal(box, path) { Self.isTree($0) { if case .corruptArchive = $0 { return true }; return false } }
    }

    /// Bytes changed after the archive was made, in an entry stored as it is (a deflated one
    /// mostly fails to inflate instead): the entry's CRC-32 is checked as it is extracted.
    @Test func contentsThatDoNotMatchTheirCRCAreRefused() throws {
        let box = try Sandbox()
        let marker = Data("MEMENTO-CRC-MARKER".utf8)
        let path = try box.skillArchive("flipped", extra: [.file("flipped/data.bin", marker + Data(repeating: 7, count: 600))])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let at = try #require(bytes.range(of: marker)).lowerBound + 2
        bytes[at] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: path))
        try expectRefusal(box, path) { Self.isTree($0) { if case .corruptArchive = $0 { return true }; return false } }
    }

    @Test func nameDiffersFromFolder() throws {
        let box = try Sandbox()
        let folder = try box.skill("real-name")
        let renamed = box.root + "/src/other-name"
        try FileManager.default.moveItem(atPath: folder, toPath: renamed)
        try expectRefusal(box, renamed) { if case .nameMismatch = $0 { return true }; return false }
        let archive = try box.archive("mismatch.skill", [.directory("folder/"), .file("folder/SKILL.md", Data("---\nname: other\ndescription: d\n---\n".utf8))])
        try expectRefusal(box, archive) { if case .nameMismatch = $0 { return true }; return false }
    }

    @Test func symlinkInAFolder() throws {
        let box = try Sandbox()
        let folder = try box.skill("linked")
        try FileManager.default.createSymbolicLink(atPath: folder + "/key", withDestinationPath: "/etc/hostname")
        try expectRefusal(box, folder) { Self.isTree($0) { if case .symlink = $0 { return true }; return false } }
    }

    @Test func hardLinkInAFolder() throws {
        let box = try Sandbox()
        let folder = try box.skill("hardlinked")
        try box.write("secret", to: box.root + "/outside.txt")
        #expect(link(box.root + "/outside.txt", folder + "/inside.txt") == 0)
        try expectRefusal(box, folder) { Self.isTree($0) { if case .hardLink = $0 { return true }; return false } }
    }

    @Test func fifoInAFolder() throws {
        let box = try Sandbox()
        let folder = try box.skill("piped")
        #expect(mkfifo(folder + "/pipe", 0o644) == 0)
        try expectRefusal(box, folder) { Self.isTree($0) { if case .specialFile = $0 { return true }; return false } }
    }

    @Test func missingManifest() throws {
        let box = try Sandbox()
        let folder = box.root + "/src/empty-skill"
        try box.write("just notes", to: folder + "/README.md")
        try expectRefusal(box, folder) { if case .badManifest = $0 { return true }; return false }
    }

    @Test func malformedSkillJSONNamesTheField() throws {
        let box = try Sandbox()
        let folder = box.root + "/src/bad-json"
        try box.write(#"{"manifest_version":1,"name":"bad-json","version":"one","kind":"script","description":"d"}"#, to: folder + "/skill.json")
        try expectRefusal(box, folder) { error in
            guard case .badManifest(let message) = error else { return false }
            return message.contains("version") && message.contains("skill.json")
        }
    }

    @Test func invalidFrontmatter() throws {
        let box = try Sandbox()
        let folder = box.root + "/src/no-front"
        try box.write("# no frontmatter here\n", to: folder + "/SKILL.md")
        try expectRefusal(box, folder) { if case .badManifest = $0 { return true }; return false }
    }

    @Test func missingSource() throws {
        let box = try Sandbox()
        try expectRefusal(box, box.root + "/does-not-exist") { if case .sourceNotFound = $0 { return true }; return false }
    }

    @Test func symlinkAsTheSource() throws {
        let box = try Sandbox()
        let archive = try box.skillArchive("via-link")
        try FileManager.default.createSymbolicLink(atPath: box.root + "/link.skill", withDestinationPath: archive)
        try expectRefusal(box, box.root + "/link.skill") { Self.isTree($0) { if case .symlink = $0 { return true }; return false } }
    }
}
