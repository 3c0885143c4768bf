import Foundation
import Testing

@testable import MementoCore

private let file = "skills/demo/skill.json"

/// A manifest object with `overrides` applied (a JSON null removes the key).
private func manifest(_ overrides: [String: JSONValue] = [:]) -> String {
    var members: [String: JSONValue] = [
        "manifest_version": 1,
        "name": "demo",
        "version": "1.2.3",
        "kind": "instructions",
        "description": "A demo skill. Use it in tests.",
    ]
    for (key, value) in overrides {
        if value == .null { members[key] = nil } else { members[key] = value }
    }
    return JSONValue.object(members).encoded()
}

private func decode(_ text: String) -> Result<SkillManifest, ManifestError> {
    Result { () throws(ManifestError) -> SkillManifest in try SkillManifest.decode(Data(text.utf8), file: file) }
}

private func failure(_ text: String) -> ManifestError? {
    if case .failure(let error) = decode(text) { return error }
    return nil
}

@Suite("SkillManifest")
struct SkillManifestTests {
    // MARK: Valid manifests

    @Test("instructions manifest with defaults")
    func instructions() throws {
        let decoded = try decode(manifest()).get()
        #expect(decoded.name == "demo")
        #expect(decoded.version == SemanticVersion(1, 2, 3))
        #expect(decoded.kind == .instructions)
        #expect(decoded.manifestVersion == 1)
        #expect(decoded.tools.isEmpty)
        #expect(decoded.permissions == .init())
        #expect(decoded.requires.isEmpty)
        #expect(decoded.entry == nil)
    }

    @Test("script manifest")
    func script() throws {
        let text = manifest([
            "kind": "script",
            "entry": ["command": "python3", "args": ["server.py", "--stdio"]],
            "tools": [["name": "lookup", "description": "Look up a word.",
                       "input_schema": ["type": "object", "properties": ["word": ["type": "string"]]]]],
            "permissions": ["network": ["api.example.com:443"], "env": ["API_KEY"]],
            "requires": [["name": "base", "version": "^1.0"], ["name": "other"]],
            "python": ["requirements": ["requests==2.32.3"]],
        ])
        let decoded = try decode(text).get()
        #expect(decoded.kind == .script)
        #expect(decoded.entry?.command == "python3")
        #expect(decoded.entry?.args == ["server.py", "--stdio"])
        #expect(decoded.tools.first?.name == "lookup")
        #expect(decoded.tools.first?.inputSchema["properties"]?["word"]?["type"] == "string")
        #expect(decoded.permissions.network == ["api.example.com:443"])
        #expect(decoded.permissions.filesystem.isEmpty)
        #expect(decoded.requires == [.init(name: "base", version: "^1.0"), .init(name: "other", version: "*")])
        #expect(decoded.python?.requirements == ["requests==2.32.3"])
    }

    @Test("native manifest")
    func native() throws {
        let text = manifest([
            "kind": "native",
            "entry": ["library": "lib/libdemo.so", "sha256": .string(String(repeating: "a", count: 64))],
            "abi": ["major": 1, "minor": 0],
            "build": ["info": "swift-6.3.1-RELEASE x86_64-unknown-linux-gnu", "module_name": "Demo"],
            "tools": [["name": "run", "description": "Runs."]],
        ])
        let decoded = try decode(text).get()
        #expect(decoded.kind == .native)
        #expect(decoded.entry?.library == "lib/libdemo.so")
        #expect(decoded.abi == .init(major: 1, minor: 0))
        #expect(decoded.build == .init(info: "swift-6.3.1-RELEASE x86_64-unknown-linux-gnu", moduleName: "Demo"))
        #expect(decoded.tools.first?.inputSchema == ["type": "object"])
    }

    @Test("ffi manifest, by soname and by library")
    func ffi() throws {
        let tool: JSONValue = [
            "name": "crc32", "description": "CRC-32 of bytes.", "symbol": "crc32", "returns": "uint64",
            "args": [["name": "crc", "type": "uint64"], ["name": "buf", "type": "bytes"],
                     ["name": "len", "type": "uint32", "length_of": "buf"]],
        ]
        let bySoname = try decode(manifest(["kind": "ffi", "entry": ["soname": "libz.so.1"], "tools": [tool]])).get()
        #expect(bySoname.entry?.soname == "libz.so.1")
        #expect(bySoname.tools.first?.symbol == "crc32")
        #expect(bySoname.tools.first?.args?.last == .init(name: "len", type: "uint32", lengthOf: "buf"))
        let byLibrary = try decode(manifest(["kind": "ffi", "entry": ["library": "lib/libz.so"], "tools": [tool]])).get()
        #expect(byLibrary.entry?.library == "lib/libz.so")
        let emptyLibrary = try decode(manifest(["kind": "ffi", "entry": ["library": "", "soname": "libz.so.1"], "tools": [tool]])).get()
        #expect(emptyLibrary.entry?.soname == "libz.so.1")
    }

    @Test("tool schemas keep their exact numbers")
    func exactSchemas() throws {
        let text = manifest([
            "tools": [["name": "t", "description": "d",
                       "input_schema": try JSONValue.parse(#"{"type":"object","maximum":18446744073709551617,"minimum":1.0}"#),
                       "output_schema": try JSONValue.parse(#"{"type":"object","x-limit":1e3}"#)]],
        ])
        let decoded = try decode(text).get()
        let tool = try #require(decoded.tools.first)
        #expect(tool.inputSchema.encoded() == #"{"maximum":18446744073709551617,"minimum":1.0,"type":"object"}"#)
        #expect(tool.outputSchema?.encoded() == #"{"type":"object","x-limit":1e3}"#)
    }

    @Test("duplicate keys resolve the same way for every field: the last one wins")
    func duplicateKeys() throws {
        let text = #"""
            {"manifest_version":1,"name":"first","version":"1.0.0","kind":"instructions","description":"d",
             "tools":[{"name":"a","description":"d","input_schema":{"type":"object","title":"A"}}],
             "tools":[{"name":"b","description":"d","input_schema":{"type":"object","title":"B"}}],
             "name":"second"}
            """#
        let decoded = try decode(text).get()
        #expect(decoded.name == "second")
        #expect(decoded.tools.map(\.name) == ["b"])
        #expect(decoded.tools.first?.inputSchema["title"] == "B")
    }

    @Test("null schemas count as absent")
    func nullSchemas() throws {
        let text = manifest(["tools": [["name": "t", "description": "d", "input_schema": .null, "output_schema": .null]]])
        let tool = try #require(try decode(text).get().tools.first)
        #expect(tool.inputSchema == ["type": "object"])
        #expect(tool.outputSchema == nil)
    }

    @Test("a manifest survives encode → decode")
    func codableRoundTrip() throws {
        let original = SkillManifest(
            name: "demo", version: SemanticVersion(2, 0, 0, prerelease: ["rc", "1"]), kind: .script, description: "Demo.",
            tools: [ToolSpec(name: "t", description: "d")], entry: .init(command: "python3", args: ["s.py"]),
            permissions: .init(network: ["*"]), requires: [.init(name: "base")])
        let data = try JSONEncoder().encode(original)
        #expect(try SkillManifest.decode(data, file: file) == original)
    }

    @Test("load(from:) reads a file and names it in errors")
    func loadFromFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("skill.json")
        try Data(manifest().utf8).write(to: url)
        #expect(try SkillManifest.load(from: url).name == "demo")
        let missing = directory.appendingPathComponent("absent.json")
        #expect {
            try SkillManifest.load(from: missing)
        } throws: { error in
            (error as? ManifestError)?.file == missing.path
        }
    }

    // MARK: Errors name file, field and expectation

    static let errorCases: [(String, String, String?, String)] = [
        ("missing name", manifest(["name": nil]), "name", "missing"),
        ("missing kind", manifest(["kind": nil]), "kind", "missing"),
        ("missing manifest_version", manifest(["manifest_version": nil]), "manifest_version", "missing"),
        ("name is a number", manifest(["name": 5]), "name", "expected a string"),
        ("description is null", manifest(["description": nil]), "description", "missing"),
        ("tools is an object", manifest(["tools": ["a": 1]]), "tools", "expected an array"),
        ("entry is a string", manifest(["entry": "run.sh"]), "entry", "expected"),
        ("abi.major is a string", manifest(["kind": "native", "entry": ["library": "l.so"], "abi": ["major": "1", "minor": 0]]),
         "abi.major", "expected an integer"),
        ("tool name missing", manifest(["tools": [["description": "d"]]]), "tools[0].name", "missing"),
        ("permissions.network not strings", manifest(["permissions": ["network": [1]]]), "permissions.network[0]", "expected a string"),
        ("bad semver", manifest(["version": "1.0"]), "version", "MAJOR.MINOR.PATCH"),
        ("leading zero semver", manifest(["version": "1.02.0"]), "version", "leading zero"),
        ("version is a number", manifest(["version": 1]), "version", "expected a string"),
        ("unknown kind", manifest(["kind": "plugin"]), "kind", "instructions, script, native, ffi"),
        ("manifest_version 2", manifest(["manifest_version": 2]), "manifest_version", "expected 1"),
        ("manifest_version 1.0", manifest().replacingOccurrences(of: #""manifest_version":1"#, with: #""manifest_version":1.0"#),
         "manifest_version", "expected 1"),
        ("bad skill name", manifest(["name": "Demo_Skill"]), "name", "lowercase"),
        ("empty description", manifest(["description": " "]), "description", "1 to 1024"),
        ("native without library", manifest(["kind": "native", "abi": ["major": 1, "minor": 0]]), "entry.library", "shared object"),
        ("native with empty library", manifest(["kind": "native", "entry": ["library": ""], "abi": ["major": 1, "minor": 0]]),
         "entry.library", "shared object"),
        ("native without abi", manifest(["kind": "native", "entry": ["library": "l.so"]]), "abi", "\"major\""),
        ("script without command", manifest(["kind": "script", "entry": ["args": ["x"]]]), "entry.command", "program"),
        ("script without entry", manifest(["kind": "script"]), "entry.command", "program"),
        ("ffi without library or soname", manifest(["kind": "ffi", "entry": [:]]), "entry", "soname"),
        ("ffi tool without symbol", manifest(["kind": "ffi", "entry": ["soname": "libz.so.1"],
                                              "tools": [["name": "t", "description": "d", "returns": "void"]]]),
         "tools[0].symbol", "symbol"),
        ("ffi tool without returns", manifest(["kind": "ffi", "entry": ["soname": "libz.so.1"],
                                               "tools": [["name": "t", "description": "d", "symbol": "f"]]]),
         "tools[0].returns", "returns"),
        ("ffi soname with a path", manifest(["kind": "ffi", "entry": ["soname": "/tmp/evil.so"],
                                             "tools": [["name": "t", "description": "d", "symbol": "f", "returns": "void"]]]),
         "entry.soname", "file name"),
        ("duplicate tool names", manifest(["tools": [["name": "t", "description": "a"], ["name": "t", "description": "b"]]]),
         "tools[1].name", "twice"),
        ("tool name with a space", manifest(["tools": [["name": "do it", "description": "d"]]]), "tools[0].name", "1 to 64"),
        ("tool name empty", manifest(["tools": [["name": "", "description": "d"]]]), "tools[0].name", "1 to 64"),
        ("tool name too long", manifest(["tools": [["name": .string(String(repeating: "t", count: 65)), "description": "d"]]]),
         "tools[0].name", "1 to 64"),
        ("tool name non-ASCII", manifest(["tools": [["name": "tööl", "description": "d"]]]), "tools[0].name", "1 to 64"),
        ("input_schema an array", manifest(["tools": [["name": "t", "description": "d", "input_schema": [1]]]]),
         "tools[0].input_schema", "\"type\": \"object\""),
        ("input_schema a string", manifest(["tools": [["name": "t", "description": "d", "input_schema": "object"]]]),
         "tools[0].input_schema", "\"type\": \"object\""),
        ("input_schema of type string", manifest(["tools": [["name": "t", "description": "d", "input_schema": ["type": "string"]]]]),
         "tools[0].input_schema", "\"type\": \"object\""),
        ("output_schema not an object", manifest(["tools": [["name": "t", "description": "d", "output_schema": true]]]),
         "tools[0].output_schema", "JSON Schema object"),
        ("library with ..", manifest(["kind": "native", "entry": ["library": "../other/lib.so"], "abi": ["major": 1, "minor": 0]]),
         "entry", "inside the skill folder"),
        ("library nested ..", manifest(["kind": "native", "entry": ["library": "lib/../../x.so"], "abi": ["major": 1, "minor": 0]]),
         "entry", "inside the skill folder"),
        ("library climbing behind a combining mark", manifest(["kind": "native", "entry": ["library": "../\u{301}x.so"], "abi": ["major": 1, "minor": 0]]),
         "entry", "inside the skill folder"),
        ("absolute library", manifest(["kind": "native", "entry": ["library": "/usr/lib/x.so"], "abi": ["major": 1, "minor": 0]]),
         "entry", "inside the skill folder"),
        ("absolute command", manifest(["kind": "script", "entry": ["command": "/tmp/run"]]), "entry", "inside the skill folder"),
        ("bad sha256", manifest(["kind": "native", "entry": ["library": "l.so", "sha256": "ABC"], "abi": ["major": 1, "minor": 0]]),
         "entry.sha256", "64 lowercase"),
        ("requirement with a bad range", manifest(["requires": [["name": "base", "version": "^1.x.3"]]]),
         "requires[0].version", "version range"),
        ("requirement with a bad name", manifest(["requires": [["name": "Base", "version": "*"]]]), "requires[0].name", "lowercase"),
        ("requirement without a name", manifest(["requires": [["version": "*"]]]), "requires[0].name", "missing"),
        ("ffi argument without a type", manifest(["kind": "ffi", "entry": ["soname": "libz.so.1"],
                                                  "tools": [["name": "t", "description": "d", "symbol": "f", "returns": "void",
                                                             "args": [["name": "a"]]]]]),
         "tools[0].args[0].type", "missing"),
        ("top level array", "[]", nil, "JSON object"),
        ("not JSON", "{\"name\": ", nil, "invalid JSON at byte"),
    ]

    @Test("errors name the file, the field and what was expected", arguments: errorCases)
    func errors(label: String, text: String, field: String?, expectation: String) {
        guard let error = failure(text) else {
            Issue.record("\(label): accepted")
            return
        }
        #expect(error.file == file, "\(label)")
        #expect(error.field == field, "\(label): \(error)")
        #expect(error.problem.contains(expectation), "\(label): \(error)")
        #expect(error.description.hasPrefix(file), "\(label)")
        if let field { #expect(error.description.contains("field '\(field)'"), "\(label)") }
    }

    @Test("problems(file:) reports every problem, not just the first")
    func allProblems() {
        let broken = SkillManifest(
            name: "Bad Name", version: SemanticVersion(1, 0, 0), kind: .native, description: "",
            tools: [ToolSpec(name: "t", description: "d"), ToolSpec(name: "t", description: "d", inputSchema: [])])
        let fields = broken.problems(file: file).map(\.field)
        #expect(fields == ["name", "description", "entry.library", "abi", "tools[1].name", "tools[1].input_schema"])
    }

    @Test("tool names", arguments: [("get_weather", true), ("a-b", true), ("A9", true), ("a.b", false), ("a/b", false)])
    func toolNames(name: String, valid: Bool) {
        #expect(ToolSpec.isValidName(name) == valid)
    }
}
