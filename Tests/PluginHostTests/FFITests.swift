import Foundation
import MementoCore
import Testing
@testable import PluginHost

@Suite("Typed FFI tools through libffi", .timeLimit(.minutes(2)))
struct FFITests {
    static func manifest(name: String, soname: String, tools: JSONValue) -> JSONValue {
        ["manifest_version": 1, "name": .string(name), "version": "1.0.0", "kind": "ffi",
         "description": "C functions of a system library. Use in tests.", "entry": ["soname": .string(soname)], "tools": tools]
    }

    static let zlib = manifest(name: "zlib-tools", soname: "libz.so.1", tools: [
        ["name": "crc32", "symbol": "crc32", "description": "CRC-32 of a byte string", "returns": "uint64",
         "args": [["name": "seed", "type": "uint64"], ["name": "data", "type": "bytes"], ["name": "len", "type": "uint32", "length_of": "data"]]],
    ])

    static let libm = manifest(name: "math-tools", soname: "libm.so.6", tools: [
        ["name": "cbrt", "symbol": "cbrt", "description": "Cube root", "returns": "double", "args": [["name": "x", "type": "double"]]],
        ["name": "ldexp", "symbol": "ldexp", "description": "x * 2^e", "returns": "double",
         "args": [["name": "x", "type": "double"], ["name": "e", "type": "int32"]]],
    ])

    /// strlen declared as taking an integer: the call passes 0 as a pointer, which crashes.
    static let wrong = manifest(name: "wrong-sig", soname: "libc.so.6", tools: [
        ["name": "strlen", "symbol": "strlen", "description": "Deliberately wrong signature", "returns": "uint64",
         "args": [["name": "s", "type": "uint64"]]],
    ])

    func skillFolder(_ workspace: PluginWorkspace, _ manifest: JSONValue) throws -> String {
        let folder = workspace.root + "/" + (manifest["name"]?.stringValue ?? "ffi")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try manifest.encodedData(.pretty).write(to: URL(fileURLWithPath: folder + "/skill.json"))
        return folder
    }

    func decode(_ manifest: JSONValue) throws -> SkillManifest {
        try SkillManifest.decode(manifest.encodedData())
    }

    @Test func zlibCRC32AndLibmRoundTripsInProcess() throws {
        let zlib = try FFISkill(manifest: try decode(FFITests.zlib))
        let hello = Data("hello".utf8).base64EncodedString()
        #expect(try zlib.call(tool: "crc32", arguments: ["seed": 0, "data": .string(hello)]) == ["result": 907060870])
        #expect(try zlib.call(tool: "crc32", arguments: ["seed": 0, "data": ""]) == ["result": 0])

        let math = try FFISkill(manifest: try decode(FFITests.libm))
        // libm's cbrt(27) is 3.0000000000000004 (gcc folds the constant to 3; the real call does not).
        let root = try #require(try math.call(tool: "cbrt", arguments: ["x": 27])["result"]?.doubleValue)
        #expect(abs(root - 3) < 1e-12)
        #expect(try math.call(tool: "ldexp", arguments: ["x": 1.5, "e": -2]) == ["result": 0.375])
    }

    @Test func outOfRangeAndMalformedArgumentsAreRefusedBeforeTheCall() throws {
        let zlib = try FFISkill(manifest: try decode(FFITests.zlib))
        let math = try FFISkill(manifest: try decode(FFITests.libm))
        let cases: [(FFISkill, String, JSONValue, String)] = [
            (zlib, "crc32", ["seed": -1, "data": ""], "seed = -1 is outside uint64"),
            (zlib, "crc32", ["seed": .number(JSONNumber(validating: "18446744073709551616")!), "data": ""], "is outside uint64"),
            (zlib, "crc32", ["seed": 1.5, "data": ""], "seed must be an integer"),
            (zlib, "crc32", ["seed": 0, "data": "not base64!"], "data must be base64 text"),
            (zlib, "crc32", ["data": ""], "seed is required"),
            (math, "ldexp", ["x": 1, "e": 2_147_483_648], "e = 2147483648 is outside int32"),
        ]
        for (skill, tool, arguments, expected) in cases {
            do {
                _ = try skill.call(tool: tool, arguments: arguments)
                Issue.record("\(arguments.encoded()) was accepted")
            } catch {
                #expect(error.description.contains(expected), "\(error)")
            }
        }
    }

    /// A runner hands FFI tools the envelope as the host wrote it, and only the arguments the
    /// signature names are parsed. Every reply and every refusal must be the in-process call's.
    @Test func aRunnersEnvelopeGetsTheInProcessReply() throws {
        let zlib = HostedSkill.ffi(try FFISkill(manifest: try decode(FFITests.zlib)))
        let math = HostedSkill.ffi(try FFISkill(manifest: try decode(FFITests.libm)))
        let hello = JSONValue.string(Data("hello".utf8).base64EncodedString())
        let cases: [(HostedSkill, String, JSONValue)] = [
            (zlib, "crc32", ["seed": 0, "data": hello]),
            (zlib, "crc32", ["seed": 7, "data": "", "unused": ["deep": [1, 2, ["x": nil]]]]),
            (zlib, "crc32", ["seed": -1, "data": ""]),
            (zlib, "crc32", ["seed": 1.5, "data": ""]),
            (zlib, "crc32", ["seed": 0, "data": "not base64!"]),
            (zlib, "crc32", ["data": hello]),
            (zlib, "crc32", [1, 2]),
            (zlib, "crc32", "text"),
            (zlib, "adler32", [:]),
            (math, "ldexp", ["x": 1.5, "e": -2]),
            (math, "ldexp", ["x": 1, "e": 2_147_483_648]),
            (math, "cbrt", ["x": 27]),
        ]
        for (skill, tool, arguments) in cases {
            let expected = try skill.call(ToolInvocation(tool: tool), arguments: arguments).output
            let envelope = ToolInvocation(tool: tool).withEnvelope(arguments) { Array($0) }
            #expect(try JSONValue.parse(bytes: try skill.serve(envelope)) == expected, "\(tool) \(arguments.encoded())")
        }
        // Members in another order, a repeated name (the last counts), escapes in a name.
        let written = #"{"arguments":{"data":"","seed":5,"se\u0065d":0},"tool":"crc32"}"#
        #expect(try JSONValue.parse(bytes: try zlib.serve(Array(written.utf8))) == ["result": 0])
        // Envelopes that are not usable are the caller's error, as in a native skill.
        for broken in [#"{"arguments":{}}"#, #"{"tool":7}"#, "[]", #"{"tool":"crc32","arguments":{"#] {
            #expect(try JSONValue.parse(bytes: try zlib.serve(Array(broken.utf8)))["error"]?["code"] == "bad_request", "\(broken)")
        }
        // No arguments at all: each required one is reported missing.
        #expect(try JSONValue.parse(bytes: try math.serve(Array(#"{"tool":"cbrt"}"#.utf8)))["error"]?["message"] == "cbrt: x is required")
    }

    @Test func signaturesAndLibrariesAreCheckedAtLoad() throws {
        func loadError(_ manifest: JSONValue) throws -> FFIError? {
            let decoded = try decode(manifest)
            do {
                _ = try FFISkill(manifest: decoded)
                return nil
            } catch {
                return error
            }
        }
        let missing = FFITests.manifest(name: "missing", soname: "libm.so.6", tools: [
            ["name": "nope", "symbol": "no_such_function_here", "description": "x", "returns": "double", "args": []],
        ])
        #expect(try loadError(missing) == .missingSymbol(tool: "nope", symbol: "no_such_function_here", library: "libm.so.6"))
        // A path in place of a SONAME is refused when skill.json is read, before any loader runs.
        #expect(throws: ManifestError.self) { try decode(FFITests.manifest(name: "path", soname: "/tmp/evil.so", tools: [])) }
        #expect(try loadError(FFITests.manifest(name: "absent", soname: "libdoesnotexist.so.9", tools: [])).map { "\($0)" }?.contains("cannot load libdoesnotexist.so.9") == true)
        let stringReturn = FFITests.manifest(name: "strret", soname: "libc.so.6", tools: [
            ["name": "getenv", "symbol": "getenv", "description": "x", "returns": "string", "args": [["name": "n", "type": "string"]]],
        ])
        #expect(try loadError(stringReturn).map { "\($0)" }?.contains("is not a scalar type") == true)
        let badLength = FFITests.manifest(name: "badlen", soname: "libz.so.1", tools: [
            ["name": "crc32", "symbol": "crc32", "description": "x", "returns": "uint64",
             "args": [["name": "seed", "type": "uint64"], ["name": "len", "type": "uint32", "length_of": "seed"]]],
        ])
        #expect(try loadError(badLength).map { "\($0)" }?.contains("is not a bytes argument") == true)
    }

    @Test func theRegistryShowsTheGeneratedSchemaAndRunsFFIToolsInARunner() throws {
        let workspace = try PluginWorkspace()
        let zlib = try RegisteredSkill.read(root: try skillFolder(workspace, FFITests.zlib), fallbackName: "", fallbackVersion: "", fallbackDescription: "")
        let wrong = try RegisteredSkill.read(root: try skillFolder(workspace, FFITests.wrong), fallbackName: "", fallbackVersion: "", fallbackDescription: "")
        let schema = try #require(zlib.tools.first?.inputSchema)
        #expect(schema["required"] == ["seed", "data"])
        #expect(schema["properties"]?["len"] == nil)
        #expect(schema["properties"]?["seed"]?["maximum"] == .number(JSONNumber(UInt64.max)))

        let policy = ExecutionPolicy(runnerExecutable: mementoBinary) { $0.environment["SWIFT_BACKTRACE"] = "enable=no" }
        let registry = ToolRegistry(skills: [zlib, wrong], policy: policy)
        defer { registry.shutdown() }
        let hello = Data("hello".utf8).base64EncodedString()
        #expect(try registry.call("zlib-tools.crc32", arguments: ["seed": 0, "data": .string(hello)]).output == ["result": 907060870])
        #expect(registry.executionStatus(of: "zlib-tools") == "runner")
        // Out of range: refused by the schema before anything is sent to the runner.
        #expect(try registry.call("zlib-tools.crc32", arguments: ["seed": -5, "data": ""]).errorMessage?.contains("less than the minimum") == true)
        // A wrong signature crashes the runner; the host carries on.
        do {
            _ = try registry.call("wrong-sig.strlen", arguments: ["s": 0])
            Issue.record("strlen(NULL) returned")
        } catch {
            #expect("\(error)".contains("SIGSEGV"))
        }
        #expect(try registry.call("zlib-tools.crc32", arguments: ["seed": 0, "data": .string(hello)]).output == ["result": 907060870])
    }
}
