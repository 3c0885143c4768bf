import Foundation
import MementoCore
import PluginHost
import Testing

@Suite("fs: file tools confined to allowed roots")
struct FileSystemSkillTests {
    @Test func readsLineRangesAndSaysWhereItStopped() throws {
        let sandbox = try Sandbox()
        try sandbox.write("notes.txt", (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n")
        let fs = try FirstParty.registry("fs", settings: sandbox.settings)
        let whole = try fs.expectSuccess("fs.read", ["path": "notes.txt"])
        #expect(whole["total_lines"] == 10)
        #expect(whole["truncated"] == false)
        #expect(whole["content"]?.stringValue?.hasSuffix("line 10") == true)
        let range = try fs.expectSuccess("fs.read", ["path": "notes.txt", "offset": 3, "limit": 2])
        #expect(range["content"] == "line 3\nline 4")
        #expect(range["first_line"] == 3)
        #expect(range["last_line"] == 4)
        #expect(range["truncated"] == true)
        #expect(try fs.expectFailure("fs.read", ["path": "notes.txt", "offset": 50]) == "out_of_range")
        #expect(try fs.expectFailure("fs.read", ["path": "missing.txt"]) == "not_found")
        #expect(try fs.expectFailure("fs.read", ["path": "."]) == "not_a_file")
        // The schema refuses before the skill runs: a bad argument is an error reply, not a crash.
        #expect(try fs.expectFailure("fs.read", ["path": "notes.txt", "offset": 0]) == "invalid_arguments")
        #expect(try fs.expectFailure("fs.read", ["path": 5]) == "invalid_arguments")
    }

    @Test func writesWholeFilesAtomicallyAndEditsExactText() throws {
        let sandbox = try Sandbox()
        let fs = try FirstParty.registry("fs", settings: sandbox.settings)
        #expect(try fs.expectFailure("fs.write", ["path": "new/deep/file.txt", "content": "x"]) == "not_found")
        let written = try fs.expectSuccess("fs.write", ["path": "new/deep/file.txt", "content": "alpha beta alpha\n", "create_directories": true])
        #expect(written == ["bytes": 17, "created": true, "path": "new/deep/file.txt"])
        #expect(try sandbox.read("new/deep/file.txt") == "alpha beta alpha\n")

        #expect(try fs.expectFailure("fs.edit", ["path": "new/deep/file.txt", "old": "gamma", "new": "x"]) == "no_match")
        #expect(try fs.expectFailure("fs.edit", ["path": "new/deep/file.txt", "old": "alpha", "new": "x"]) == "ambiguous")
        #expect(try sandbox.read("new/deep/file.txt") == "alpha beta alpha\n", "a refused edit changes nothing")
        #expect(try fs.expectSuccess("fs.edit", ["path": "new/deep/file.txt", "old": "beta", "new": "BETA"])["replacements"] == 1)
        #expect(try fs.expectSuccess("fs.edit", ["path": "new/deep/file.txt", "old": "alpha", "new": "A", "replace_all": true])["replacements"] == 2)
        #expect(try sandbox.read("new/deep/file.txt") == "A BETA A\n")

        // An executable keeps its mode across a rewrite; no temporary file is left behind.
        try sandbox.write("run.sh", "#!/bin/sh\necho old\n")
        chmod(sandbox.root + "/run.sh", 0o755)
        _ = try fs.expectSuccess("fs.edit", ["path": "run.sh", "old": "old", "new": "new"])
        #expect(try fs.expectSuccess("fs.stat", ["path": "run.sh"])["mode"] == "755")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.root).sorted() == ["new", "run.sh"])
        #expect(try fs.expectFailure("fs.write", ["path": "new", "content": "x"]) == "is_a_folder")
    }

    @Test func listsGlobsAndStats() throws {
        let sandbox = try Sandbox()
        for path in ["a.swift", "src/b.swift", "src/deep/c.swift", "src/deep/d.txt", ".hidden/e.swift"] { try sandbox.write(path, "x") }
        let fs = try FirstParty.registry("fs", settings: sandbox.settings)
        let listed = try fs.expectSuccess("fs.list", [:])
        #expect(listed["entries"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [".hidden", "a.swift", "src"])
        #expect(listed["entries"]?.arrayValue?.last?["type"] == "folder")
        #expect(try fs.expectSuccess("fs.glob", ["pattern": "**/*.swift"])["matches"] == ["a.swift", "src/b.swift", "src/deep/c.swift"])
        #expect(try fs.expectSuccess("fs.glob", ["pattern": "*.swift", "path": "src"])["matches"] == ["b.swift"])
        #expect(try fs.expectSuccess("fs.glob", ["pattern": "src/*/[cd].*"])["matches"] == ["src/deep/c.swift", "src/deep/d.txt"])
        let limited = try fs.expectSuccess("fs.glob", ["pattern": "**/*", "limit": 2])
        #expect(limited["truncated"] == true)
        #expect(limited["matches"]?.arrayValue?.count == 2)
        #expect(try fs.expectFailure("fs.glob", ["pattern": "../outside/*"]) == "invalid_arguments")

        let stat = try fs.expectSuccess("fs.stat", ["path": "src/deep/d.txt"])
        #expect(stat["exists"] == true)
        #expect(stat["type"] == "file")
        #expect(stat["size"] == 1)
        #expect(try fs.expectSuccess("fs.stat", ["path": "nothing"])["exists"] == false)
    }

    @Test func nothingOutsideTheRootsIsReachable() throws {
        let sandbox = try Sandbox()
        try sandbox.write("secret.txt", "TOP SECRET", in: sandbox.outside)
        try sandbox.write("inside.txt", "fine")
        // A symlink inside the root that points out of it, to a file and to a folder.
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/link.txt", withDestinationPath: sandbox.outside + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/escape", withDestinationPath: sandbox.outside)
        let fs = try FirstParty.registry("fs", settings: sandbox.settings)

        for path in [sandbox.outside + "/secret.txt", "../outside/secret.txt", "link.txt", "escape/secret.txt", "/etc/passwd"] {
            #expect(try fs.expectFailure("fs.read", ["path": .string(path)]) == "outside_roots", "\(path)")
        }
        for path in ["../outside/new.txt", "escape/new.txt", "escape/sub/../../x", sandbox.outside + "/new.txt"] {
            #expect(try fs.expectFailure("fs.write", ["path": .string(path), "content": "pwned", "create_directories": true]) == "outside_roots", "\(path)")
        }
        #expect(try fs.expectFailure("fs.edit", ["path": "link.txt", "old": "TOP", "new": "NO"]) == "outside_roots")
        #expect(try fs.expectFailure("fs.list", ["path": "escape"]) == "outside_roots")
        #expect(try fs.expectFailure("fs.stat", ["path": "link.txt"]) == "outside_roots")
        // The walk does not follow the folder link out of the root.
        #expect(try fs.expectSuccess("fs.glob", ["pattern": "**/*.txt"])["matches"] == ["inside.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.outside) == ["secret.txt"])
        #expect(try String(contentsOfFile: sandbox.outside + "/secret.txt", encoding: .utf8) == "TOP SECRET")
    }

    @Test func badSettingsAreTheHostsErrorNotTheCallers() throws {
        let sandbox = try Sandbox()
        let relative = try FirstParty.registry("fs", settings: ["roots": ["relative/path"]])
        #expect(try relative.expectFailure("fs.list", [:]) == "invalid_settings")
        let missing = try FirstParty.registry("fs", settings: ["roots": [.string(sandbox.base + "/nope")]])
        #expect(try missing.expectFailure("fs.list", [:]) == "invalid_settings")
        #expect(try missing.call("fs.list", arguments: [:]).errorMessage?.contains("does not exist") == true, "the root is checked, not just decoded")
        let wrongType = try FirstParty.registry("fs", settings: ["roots": 5])
        #expect(try wrongType.expectFailure("fs.list", [:]) == "invalid_settings")
        #expect(try wrongType.call("fs.list", arguments: [:]).errorMessage?.contains("do not decode") == true)
    }

    /// Paths are compared as the bytes the filesystem uses. As Swift Strings, a combining mark
    /// after `/` hides the separator (`../\u{301}x` has no `..` Character component), and a
    /// folder named in decomposed form equals the root's composed name.
    @Test func unicodeCannotDisguiseAnEscape() throws {
        let sandbox = try Sandbox()
        let fs = try FirstParty.registry("fs", settings: sandbox.settings)
        #expect(try fs.expectFailure("fs.write", ["path": "../\u{301}pwned.txt", "content": "pwned"]) == "outside_roots")
        #expect(try fs.expectFailure("fs.write", ["path": "../\u{301}dir/pwned.txt", "content": "pwned", "create_directories": true]) == "outside_roots")
        #expect(try fs.expectFailure("fs.write", ["path": "new/../../\u{301}pwned.txt", "content": "pwned", "create_directories": true]) == "outside_roots")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.base).sorted() == ["outside", "root"])
        #expect(try fs.expectFailure("fs.glob", ["pattern": "../\u{301}*"]) == "invalid_arguments")

        let composed = sandbox.base + "/caf\u{E9}", decomposed = sandbox.base + "/cafe\u{301}"
        try FileManager.default.createDirectory(atPath: composed, withIntermediateDirectories: true)
        try sandbox.write("secret.txt", "TOP SECRET", in: decomposed)
        let cafe = try FirstParty.registry("fs", settings: ["roots": [.string(composed)]])
        #expect(try cafe.expectFailure("fs.read", ["path": .string(decomposed + "/secret.txt")]) == "outside_roots")
        #expect(try cafe.expectFailure("fs.list", ["path": .string(decomposed)]) == "outside_roots")
    }

    @Test func behavesTheSameInARunner() throws {
        let sandbox = try Sandbox()
        try sandbox.write("a.txt", "one\ntwo\n")
        let fs = try FirstParty.registry("fs", settings: sandbox.settings, inProcess: false)
        defer { fs.shutdown() }
        #expect(try fs.expectSuccess("fs.read", ["path": "a.txt", "offset": 2])["content"] == "two")
        #expect(try fs.expectFailure("fs.read", ["path": "../outside"]) == "outside_roots")
        #expect(fs.executionStatus(of: "fs") == "runner")
    }
}
