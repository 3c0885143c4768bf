import Foundation
import MementoCore
import Testing
import TestSupport

/// Script skills (an MCP server in a skill folder) and external servers, called through the
/// shared tool registry with `memento call`. Python environments are built from the offline
/// wheelhouse `make venv` downloads, so no test reaches PyPI.
@Suite("Script skills and external servers through memento call", .serialized, .timeLimit(.minutes(3)))
struct ScriptSkillTests {
    static let wheelhouse = Interop.repoRoot + "/.wheelhouse"

    func cli(_ home: String) throws -> CLI {
        guard FileManager.default.fileExists(atPath: ScriptSkillTests.wheelhouse) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(ScriptSkillTests.wheelhouse) is missing: run `make venv` (make test does)"])
        }
        return CLI(home: home, environment: ["PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ScriptSkillTests.wheelhouse])
    }

    @Test func theTemplateInstallsIntoItsOwnEnvironmentAndIsCalledByName() throws {
        let work = try TemporaryDirectory()
        let memento = try cli(work.path + "/home")
        let created = try memento.run(["skill", "new", "word-tools", "--kind", "script"], directory: work.path)
        #expect(created.status == 0, "\(created.stderr)")
        // A second tool that dies mid-call, as a buggy script might.
        let folder = work.path + "/word-tools"
        var server = try String(contentsOfFile: folder + "/server.py", encoding: .utf8)
        server = server.replacingOccurrences(of: "\nif __name__", with: """

            @server.tool()
            def crash() -> str:
                \"\"\"Exits at once.\"\"\"
                import os, sys
                print("about to die", file=sys.stderr, flush=True)
                os._exit(3)


            if __name__
            """)
        try Data(server.utf8).write(to: URL(fileURLWithPath: folder + "/server.py"))
        var manifest = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: folder + "/skill.json")))
        if case .object(var members) = manifest, case .array(var tools)? = members["tools"] {
            tools.append(["name": "crash", "description": "Exits at once.", "input_schema": ["type": "object"]])
            members["tools"] = .array(tools)
            manifest = .object(members)
        }
        try manifest.encodedData(.pretty).write(to: URL(fileURLWithPath: folder + "/skill.json"))

        let installed = try memento.run(["install", folder])
        #expect(installed.status == 0, "\(installed.stderr)")
        let environments = try FileManager.default.contentsOfDirectory(atPath: work.path + "/home/envs/word-tools")
        #expect(environments.count == 1 && environments.first?.hasPrefix("0.1.0-") == true, "one environment, for this version and these requirements: \(environments)")
        let python = work.path + "/home/envs/word-tools/" + (environments.first ?? "?") + "/bin/python"
        #expect(FileManager.default.isExecutableFile(atPath: python), "the skill's own environment")
        // The audit ran the skill in the sandbox with that environment: it started and answered.
        let audited = try memento.run(["verify", "word-tools", "--json"])
        let exec = audited.json?["layers"]?.arrayValue?.first { $0["name"] == "exec" }
        #expect(exec?["status"] == "ran", "\(audited.stdout)")
        let incomplete = (audited.json?["findings"]?.arrayValue ?? []).filter { $0["ruleId"] == "EXEC-DID-NOT-RUN" }.compactMap { $0["evidence"]?.stringValue }
        #expect(incomplete.count == 1 && incomplete.first?.hasPrefix("crash: crashed") == true, "only the crash tool falls short: \(incomplete)")

        let tools = try memento.run(["tools", "--json"])
        #expect(tools.json?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["word-tools.crash", "word-tools.hello"])
        let hello = try memento.run(["call", "word-tools.hello", "--args", #"{"name": "Ada"}"#, "--json"])
        #expect(hello.status == 0, "\(hello.stderr)")
        #expect(hello.json?["structuredContent"]?["result"] == "Hello, Ada!")
        let invalid = try memento.run(["call", "word-tools.hello", "--args", #"{"name": 5}"#])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("arguments.name: expected string, found integer"))

        let clock = ContinuousClock()
        var crashed: CLI.Result?
        let elapsed = try clock.measure { crashed = try memento.run(["call", "word-tools.crash"]) }
        #expect(crashed?.status == 2)
        #expect(crashed?.stderr.contains("about to die") == true, "the stderr tail explains the crash: \(crashed?.stderr ?? "")")
        #expect(elapsed < .seconds(10))
        #expect(try memento.run(["call", "word-tools.hello", "--args", #"{"name": "again"}"#]).status == 0, "the next call starts a fresh server")

        let removed = try memento.run(["uninstall", "word-tools"])
        #expect(removed.status == 0)
        #expect(!FileManager.default.fileExists(atPath: work.path + "/home/envs/word-tools"), "uninstall removes the environment")
    }

    @Test func aRequirementThatCannotBeInstalledRefusesTheInstall() throws {
        let work = try TemporaryDirectory()
        let memento = try cli(work.path + "/home")
        _ = try memento.run(["skill", "new", "broken-deps", "--kind", "script"], directory: work.path)
        let folder = work.path + "/broken-deps"
        var manifest = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: folder + "/skill.json")))
        if case .object(var members) = manifest {
            members["python"] = ["requirements": ["mcp==2.3.0", "no-such-package-for-memento==9.9.9"]]
            manifest = .object(members)
        }
        try manifest.encodedData(.pretty).write(to: URL(fileURLWithPath: folder + "/skill.json"))
        let refused = try memento.run(["install", folder])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("could not prepare the Python environment of 'broken-deps'"), "\(refused.stderr)")
        #expect(refused.stderr.contains("no-such-package-for-memento"))
        #expect(try memento.run(["list", "--json"]).json == [], "nothing was installed")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: work.path + "/home/envs/broken-deps")) ?? []
        #expect(leftovers.isEmpty, "no half-built environment is left: \(leftovers)")
    }

    @Test func externalServerToolsAreCalledAsServerDoubleUnderscoreTool() throws {
        let work = try TemporaryDirectory()
        let memento = try cli(work.path + "/home")
        let added = try memento.run(["mcp", "add", "time", "--", Interop.venvBin + "/mcp-server-time", "--local-timezone", "UTC"])
        #expect(added.status == 0, "\(added.stderr)")
        let now = try memento.run(["call", "time__get_current_time", "--args", #"{"timezone": "UTC"}"#, "--json"])
        #expect(now.status == 0, "\(now.stderr)")
        #expect(now.json?["structuredContent"]?["timezone"] == "UTC")
        let invalid = try memento.run(["call", "time__get_current_time", "--args", #"{"timezone": 3}"#])
        #expect(invalid.status == 1, "the registry validates against the server's schema")
        #expect(invalid.stderr.contains("arguments.timezone"))
        let unknown = try memento.run(["call", "time__no_such_tool"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("time__get_current_time"), "the error lists the server's tools")
        let unconfigured = try memento.run(["call", "nothere__tool"])
        #expect(unconfigured.status == 2)
        #expect(unconfigured.stderr.contains("not configured"))
    }

    /// The catalogue's script skills, installed as a user would and called with real data.
    @Test func theMarketScriptSkillsInstallAndAnswer() throws {
        let work = try TemporaryDirectory()
        let memento = try cli(work.path + "/home")
        for skill in ["csv-stats", "json-query", "text-diff"] {
            let installed = try memento.run(["install", Interop.repoRoot + "/Market/skills/" + skill])
            #expect(installed.status == 0, "\(skill): \(installed.stderr)")
        }
        func call(_ tool: String, _ arguments: String) throws -> JSONValue? {
            let run = try memento.run(["call", tool, "--args", arguments, "--json"])
            #expect(run.status == 0, "\(tool): \(run.stderr)")
            guard let text = run.json?["content"]?.arrayValue?.first?["text"]?.stringValue else { return run.json?["structuredContent"] }
            return try? JSONValue.parse(text)
        }
        let stats = try call("csv-stats.summarize", #"{"csv_text": "city,temp\nOslo,4\nRome,18\nLima,\n"}"#)
        #expect(stats?["rows"] == 3)
        #expect(stats?["columns"]?["temp"]?["mean"]?.doubleValue == 11)
        #expect(stats?["columns"]?["temp"]?["missing"] == 1)
        #expect(stats?["columns"]?["city"]?["type"] == "text")
        let names = try call("json-query.query", #"{"document": "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "path": "items[*].name"}"#)
        #expect(names?["values"] == ["a", "b"])
        #expect(names?["matches"] == 2)
        // A quoted key is a key even when it reads like the wildcard or an index: members named
        // "*" and "0", beside the [*] and [N] they must not be mistaken for.
        func query(_ document: JSONValue, _ path: String) throws -> JSONValue? {
            let arguments: JSONValue = ["document": .string(String(decoding: document.encodedData(), as: UTF8.self)), "path": .string(path)]
            return try call("json-query.query", String(decoding: arguments.encodedData(), as: UTF8.self))
        }
        let lookalikes: JSONValue = ["*": "star", "0": "zero", "rows": ["x", "y"]]
        #expect(try query(lookalikes, #"["*"]"#)?["values"] == ["star"])
        #expect(try query(lookalikes, "[*]")?["matches"] == 3)
        #expect(try query(lookalikes, #"["0"]"#)?["values"] == ["zero"])
        #expect(try query(lookalikes, #"rows["0"]"#)?["matches"] == 0)
        #expect(try query(lookalikes, "rows[0]")?["values"] == ["x"])
        let diff = try call("text-diff.diff", #"{"before": "one\ntwo\n", "after": "one\nthree\n"}"#)
        #expect(diff?["added"] == 1 && diff?["removed"] == 1)
        #expect(diff?["diff"]?.stringValue?.contains("-two\n+three") == true)
        let bad = try memento.run(["call", "json-query.query", "--args", #"{"document": "not json", "path": "$"}"#])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("document is not JSON"))
    }
}
