import Foundation
import MementoCore
import PluginHost
import Testing

@Suite("grep: bounded regex search inside allowed roots")
struct GrepSkillTests {
    @Test func findsMatchingLinesWithFileAndLineNumber() throws {
        let sandbox = try Sandbox()
        try sandbox.write("src/a.swift", "import Foundation\nfunc parseManifest() {}\nlet x = 1\n")
        try sandbox.write("src/b.py", "def parse_manifest():\n    pass\n")
        try sandbox.write("docs/readme.md", "Call ParseManifest first.\n")
        try sandbox.write(".git/config", "parseManifest in a dot folder\n")
        try Data([0x00, 0x01] + Array("parseManifest".utf8)).write(to: URL(fileURLWithPath: sandbox.root + "/blob.bin"))
        let grep = try FirstParty.registry("grep", settings: sandbox.settings)

        let found = try grep.expectSuccess("grep.search", ["pattern": "parse_?manifest", "ignore_case": true])
        #expect(found["matches"] == [
            ["file": "docs/readme.md", "line": 1, "text": "Call ParseManifest first."],
            ["file": "src/a.swift", "line": 2, "text": "func parseManifest() {}"],
            ["file": "src/b.py", "line": 1, "text": "def parse_manifest():"],
        ])
        #expect(found["files_searched"] == 3, "the binary file and the dot folder are skipped")
        let swiftOnly = try grep.expectSuccess("grep.search", ["pattern": "parse", "glob": "*.swift", "path": "src"])
        #expect(swiftOnly["matches"]?.arrayValue?.map { $0["file"] } == ["src/a.swift"])
        let caseSensitive = try grep.expectSuccess("grep.search", ["pattern": "ParseManifest"])
        #expect(caseSensitive["matches"]?.arrayValue?.count == 1)
    }

    @Test func outputIsBounded() throws {
        let sandbox = try Sandbox()
        try sandbox.write("many.txt", (1...500).map { "hit \($0)" }.joined(separator: "\n"))
        try sandbox.write("long.txt", "hit " + String(repeating: "x", count: 10_000))
        let grep = try FirstParty.registry("grep", settings: ["roots": [.string(sandbox.root)], "max_matches": 50, "max_file_bytes": 5000])
        let capped = try grep.expectSuccess("grep.search", ["pattern": "^hit", "max_matches": 1000])
        #expect(capped["matches"]?.arrayValue?.count == 50, "the host's max_matches wins over the caller's")
        #expect(capped["truncated"] == true)
        #expect(capped["skipped"] == ["long.txt: over 5000 bytes"])
        let long = try FirstParty.registry("grep", settings: sandbox.settings)
        let line = try long.expectSuccess("grep.search", ["pattern": "x{100}"])["matches"]?.arrayValue?.first?["text"]?.stringValue
        #expect(line?.count == 400)
    }

    @Test func refusesBadPatternsAndPathsOutsideTheRoots() throws {
        let sandbox = try Sandbox()
        try sandbox.write("secret.txt", "password=hunter2", in: sandbox.outside)
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/leak.txt", withDestinationPath: sandbox.outside + "/secret.txt")
        let grep = try FirstParty.registry("grep", settings: sandbox.settings)
        #expect(try grep.expectFailure("grep.search", ["pattern": "(unclosed"]) == "invalid_arguments")
        #expect(try grep.expectFailure("grep.search", ["pattern": "password", "path": "../outside"]) == "outside_roots")
        let walked = try grep.expectSuccess("grep.search", ["pattern": "password"])
        #expect(walked["matches"] == [], "a link out of the root is not followed")
    }
}
