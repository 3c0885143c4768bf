import Foundation
import MementoCore
import SkillToolchain
import Testing
import TestSupport
@testable import PluginHost

/// A Swift plugin written with SkillKit, compiled at test time with the host's own swiftc:
/// SkillToolchain and SkillKit as static libraries, then the plugin linked with the SDK's
/// version script, as a SkillSDK template build does.
@Suite("Swift plugins written with SkillKit", .timeLimit(.minutes(3)))
struct SwiftPluginTests {
    static func manifest(buildInfo: String) -> JSONValue { [
        "manifest_version": 1, "name": "greeter", "version": "1.2.0", "kind": "native",
        "description": "Greets people. Use when asked to greet someone.",
        "entry": ["library": "libskill.so"], "abi": ["major": 1, "minor": 0], "build": ["info": .string(buildInfo)],
        "tools": [
            ["name": "greet", "description": "Greets someone.",
             "input_schema": ["type": "object", "properties": ["name": ["type": "string"]], "required": ["name"]]],
            ["name": "fail", "description": "Always refuses."],
            ["name": "trap", "description": "Calls fatalError."],
        ],
    ] }

    static let source = #"""
        import SkillABI
        import SkillKit

        struct Greeter: Skill {
            static let identity = SkillIdentity(name: "greeter", version: "1.2.0", manifest: MANIFEST)
            static let tools: [SkillTool<Greeter>] = [.tool("greet", Greeter.greet), .tool("fail", Greeter.fail), .tool("trap", Greeter.trap)]

            struct Input: Decodable { let name: String }
            struct Output: Encodable { let text: String; let length: Int }

            func greet(_ input: Input) throws -> Output { Output(text: "Hello, \(input.name)!", length: input.name.count) }
            func fail(_ input: Input) throws -> Output { throw SkillError("not_welcome", "\(input.name) is not welcome") }
            // A trap is not an error: no SDK can turn it into JSON. Only isolation contains it.
            func trap(_ input: Input) throws -> Output { fatalError("trap requested by \(input.name)") }
        }

        @c(skill_abi_v1_entry)
        public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
            SkillExport.entry(Greeter.self, major, minor)
        }
        """#

    /// Builds the greeter skill folder; returns its path. `staticStdlib` links the Swift runtime
    /// into the plugin (`-static-stdlib`), which records build_info "static".
    static func build(in workspace: PluginWorkspace, staticStdlib: Bool = false) throws -> String {
        let work = workspace.root + (staticStdlib ? "/swift-static" : "/swift")
        let folder = workspace.root + (staticStdlib ? "/static/greeter" : "/greeter")
        let manifest = manifest(buildInfo: staticStdlib ? SkillToolchain.staticStdlib : SkillToolchain.id)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let sdk = PluginWorkspace.sdkRoot + "/Sources"
        try Data("module SkillABI {\n  header \"\(PluginWorkspace.sdkInclude)/skill_abi.h\"\n  export *\n}\n".utf8)
            .write(to: URL(fileURLWithPath: work + "/module.modulemap"))
        let swiftc = "/usr/bin/env"
        let common = ["swiftc", "-swift-version", "6", "-parse-as-library", "-I", work, "-Xcc", "-fmodule-map-file=\(work)/module.modulemap"]
        for module in ["SkillToolchain", "SkillKit"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: sdk + "/" + module).filter { $0.hasSuffix(".swift") }.map { sdk + "/" + module + "/" + $0 }
            try PluginWorkspace.run(swiftc, common + (staticStdlib ? ["-D", "SKILL_STATIC_STDLIB"] : []) + [
                "-emit-module", "-emit-library", "-static", "-module-name", module,
                "-emit-module-path", work + "/\(module).swiftmodule", "-o", work + "/lib\(module).a"] + files)
        }
        let manifestLiteral = "#\"" + manifest.encoded() + "\"#"
        try Data(source.replacingOccurrences(of: "MANIFEST", with: manifestLiteral).utf8).write(to: URL(fileURLWithPath: work + "/greeter.swift"))
        try PluginWorkspace.run(swiftc, common + (staticStdlib ? ["-static-stdlib"] : []) + ["-emit-library", "-module-name", "Skill_greeter_\(getpid())", work + "/greeter.swift",
                                                  work + "/libSkillKit.a", work + "/libSkillToolchain.a",
                                                  "-Xlinker", "--version-script=\(PluginWorkspace.sdkRoot)/skill.map", "-Xlinker", "-z", "-Xlinker", "now",
                                                  "-o", folder + "/libskill.so"])
        guard case .object(var members) = manifest, case .object(var entry)? = members["entry"] else { return folder }
        entry["sha256"] = .string(try SHA256Hex.ofFile(atPath: folder + "/libskill.so"))
        members["entry"] = .object(entry)
        try JSONValue.object(members).encodedData(.pretty).write(to: URL(fileURLWithPath: folder + "/skill.json"))
        return folder
    }

    @Test func aSkillKitPluginLoadsInProcessAndInARunner() throws {
        let workspace = try PluginWorkspace()
        let folder = try SwiftPluginTests.build(in: workspace)

        let elf = try ELFCheck.check(try PluginWorkspace.read(folder + "/libskill.so"), path: "libskill.so")
        #expect(Set(elf.exportedSymbols) == [NativeABI.entrySymbol, "SKILL_ABI_1"])
        #expect(elf.neededLibraries.contains("libswiftCore.so"))

        let plugin = try NativeLoader.load(try NativeSkillFolder(root: folder), mode: .inProcess)
        func call(_ request: String) throws -> JSONValue { try plugin.invoke(Array(request.utf8)).output }
        #expect(try call(#"{"arguments":{"name":"Ada"},"tool":"greet"}"#) == ["length": 3, "text": "Hello, Ada!"])
        // A thrown error becomes error JSON; bad arguments and unknown tools too. Nothing traps.
        #expect(try call(#"{"arguments":{"name":"Bob"},"tool":"fail"}"#) == ["error": ["code": "not_welcome", "message": "Bob is not welcome"]])
        #expect(try call(#"{"arguments":{"name":5},"tool":"greet"}"#)["error"]?["code"] == "invalid_arguments")
        #expect(try call(#"{"arguments":{},"tool":"nope"}"#)["error"]?["code"] == "unknown_tool")
        #expect(try call("not json")["error"]?["code"] == "bad_request")

        let client = runnerClient(folder, name: "greeter")
        defer { client.stop() }
        #expect(try client.call(tool: "greet", arguments: ["name": "Grace"]) == ["length": 5, "text": "Hello, Grace!"])
        // fatalError in a runner: SIGILL (ud2), reported; the next call gets a fresh runner.
        let trapped = runnerError { _ = try client.call(tool: "trap", arguments: ["name": "Eve"]) }
        guard case .crashed(_, let how, _)? = trapped else {
            Issue.record("expected a crash, got \(String(describing: trapped))")
            return
        }
        #expect(how == "killed by signal 4 (SIGILL)")
        #expect(try client.call(tool: "greet", arguments: ["name": "Ada"])["text"] == "Hello, Ada!")
    }

    /// SkillKit splits the envelope itself (so a call decodes its input once): any member order
    /// and whitespace work, and a broken envelope is refused as such, never half-read.
    @Test func theEnvelopeIsReadWhateverItsLayoutAndRefusedWhenBroken() throws {
        let workspace = try PluginWorkspace()
        let plugin = try NativeLoader.load(try NativeSkillFolder(root: try SwiftPluginTests.build(in: workspace)), mode: .inProcess)
        func call(_ request: String) throws -> JSONValue { try plugin.invoke(Array(request.utf8)).output }
        let hello: JSONValue = ["length": 3, "text": "Hello, Ada!"]
        #expect(try call(" {\n \"tool\" : \"greet\" ,\t\"arguments\" : { \"name\" : \"Ada\" } } \n") == hello)
        #expect(try call(#"{"arguments":{"name":"A\"da"},"t\u006fol":"gr\u0065et"}"#) == ["length": 4, "text": "Hello, A\"da!"])
        #expect(try call(#"{"junk":[1,{"x":"]}\\"}],"n":-1.5e3,"tool":"greet","arguments":{"name":"Ada"},"settings":null}"#) == hello)
        #expect(try call(#"{"tool":"greet","arguments":{"name":"Bob"},"tool":"fail"}"#)["error"]?["code"] == "not_welcome")

        for broken in ["", "[]", "{", #"{"tool":"greet","arguments":{"name":"Ada"}} x"#, #"{"tool":"greet","arguments":{"name":"Ada"}"#,
                       #"{"tool":"greet","arguments":{"name":"Ada"]}"#, #"{"tool":5,"arguments":{}}"#, #"{"arguments":{"name":"Ada"}}"#,
                       #"{"tool":"greet","arguments":{"name":"Ada"},"x":tru e}"#, #"{"tool":"greet" "arguments":{}}"#,
                       "{\"tool\":\"gr\neet\",\"arguments\":{}}"] {
            #expect(try call(broken)["error"]?["code"] == "bad_request", "\(broken)")
        }
        // Brackets nested deeper than the split tracks in one word are still matched.
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try call(#"{"tool":"greet","arguments":{"name":"Ada","deep":\#(deep)}}"#) == hello)
        let crossed = String(repeating: "[", count: 100) + "}" + String(repeating: "]", count: 99)
        #expect(try call(#"{"tool":"greet","arguments":{"name":"Ada","deep":\#(crossed)}}"#)["error"]?["code"] == "bad_request")
        // The envelope is whole, but the arguments are not the tool's: the tool's decoder says so.
        #expect(try call(#"{"tool":"greet"}"#)["error"]?["code"] == "invalid_arguments")
        #expect(try call(#"{"tool":"greet","arguments":{"name":"Ada" "x":1}}"#)["error"]?["code"] == "invalid_arguments")
        #expect(try call(#"{"tool":"greet","arguments":null}"#)["error"]?["code"] == "invalid_arguments")
    }

    @Test func fatalErrorInProcessEndsTheHostWithSIGILL() throws {
        let workspace = try PluginWorkspace()
        let folder = try SwiftPluginTests.build(in: workspace)
        let result = try Memento.run(["call", "greeter.trap", "--skill-dir", folder, "--in-process", "--args", #"{"name":"Eve"}"#],
                                     home: workspace.root + "/home")
        #expect(result.killedBySignal == SIGILL, "status \(result.status): \(result.stderr)")
    }

    @Test func aStaticStdlibPluginRunsOnlyInARunner() throws {
        let workspace = try PluginWorkspace()
        let folder = try SwiftPluginTests.build(in: workspace, staticStdlib: true)
        // Its own runtime inside: no Swift library among NEEDED (plugin-abi.md §7.3).
        let elf = try ELFCheck.check(try PluginWorkspace.read(folder + "/libskill.so"), path: "libskill.so")
        #expect(!elf.neededLibraries.contains { $0.hasPrefix("libswift") || $0.hasPrefix("libFoundation") })
        #expect(caseName(loadError(folder)) == "toolchainMismatch")

        let client = runnerClient(folder, name: "greeter")
        defer { client.stop() }
        #expect(try client.call(tool: "greet", arguments: ["name": "Static"]) == ["length": 6, "text": "Hello, Static!"])
    }
}
