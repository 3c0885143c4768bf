import Foundation
import MementoCore
import Testing
import TestSupport

/// `memento serve` driven by the Python SDK's own client in each of its modes.
@Suite("memento serve against the Python mcp client", .serialized, .timeLimit(.minutes(3)))
struct ServeTests {
    /// A home with an FFI skill (runs in a runner), an instruction skill with a reference, and a
    /// script skill whose `slow` tool sleeps, then writes a marker file.
    static func library(in work: TemporaryDirectory) throws -> String {
        let home = work.path + "/home"
        let cli = CLI(home: home)
        #expect(try cli.run(["install", Interop.repoRoot + "/Market/skills/checksum-tools"]).status == 0)

        let notes = work.path + "/notes"
        try FileManager.default.createDirectory(atPath: notes + "/references", withIntermediateDirectories: true)
        try Data("---\nname: notes\ndescription: How to take meeting notes. Use when asked for notes.\n---\n# Notes\n\nWrite the decisions first.\n".utf8)
            .write(to: URL(fileURLWithPath: notes + "/SKILL.md"))
        try Data("# Example\n\nDecisions: ship on Friday.\n".utf8).write(to: URL(fileURLWithPath: notes + "/references/example.md"))
        #expect(try cli.run(["install", notes]).status == 0)

        let slowpoke = work.path + "/slowpoke"
        try FileManager.default.createDirectory(atPath: slowpoke, withIntermediateDirectories: true)
        try Data("""
            import time
            from mcp.server.mcpserver import MCPServer

            server = MCPServer(name="slowpoke", version="1.0.0")


            @server.tool()
            def slow(seconds: float, marker: str) -> str:
                \"\"\"Sleeps, then writes the marker file.\"\"\"
                time.sleep(seconds)
                with open(marker, "w") as handle:
                    handle.write("finished")
                return f"slept {seconds}"


            if __name__ == "__main__":
                server.run()

            """.utf8).write(to: URL(fileURLWithPath: slowpoke + "/server.py"))
        let manifest: JSONValue = [
            "manifest_version": 1, "name": "slowpoke", "version": "1.0.0", "kind": "script",
            "description": "Sleeps on request. Use in tests.",
            // python3 from PATH: the test puts the interop venv first (an absolute command outside
            // the skill folder is refused at install).
            "entry": ["command": "python3", "args": ["server.py"]],
            "tools": [["name": "slow", "description": "Sleeps, then writes the marker file.", "input_schema": [
                "type": "object", "properties": ["seconds": ["type": "number"], "marker": ["type": "string"]], "required": ["seconds", "marker"]]]],
        ]
        try manifest.encodedData(.pretty).write(to: URL(fileURLWithPath: slowpoke + "/skill.json"))
        let installed = try cli.run(["install", slowpoke])
        #expect(installed.status == 0, "\(installed.stderr)")
        return home
    }

    @Test(arguments: ["auto", "legacy", "2026-07-28"])
    func thePythonClientListsCallsAndCancels(mode: String) throws {
        let work = try TemporaryDirectory()
        let home = try ServeTests.library(in: work)
        let marker = work.path + "/cancelled-call-finished"
        let driver = Interop.repoRoot + "/Tests/MCPTests/Fixtures/serve_client.py"
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = Interop.venvBin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let run = try CLI.runProgram(try Interop.python(), [driver, mode, marker, "--", CLI.binary, "serve", "--home", home], environment: environment)
        #expect(run.status == 0, "the client failed: \(run.stderr)")
        let report = try JSONValue.parse(run.stdout)

        #expect(report["tools"] == ["checksum-tools.adler32", "checksum-tools.crc32", "slowpoke.slow"])
        #expect(report["crc32"] == ["isError": false, "structured": ["result": 907060870]])
        #expect(report["invalid"]?["isError"] == true)
        #expect(report["invalid"]?["text"]?.stringValue?.contains("arguments.seed: expected integer, found string") == true)
        #expect(report["unknown"]?.stringValue?.contains("Unknown tool: no-such.tool") == true, "\(report["unknown"] ?? .null)")
        #expect(report["slow"]?["isError"] == false)
        #expect(report["slow"]?["text"] == "slept 2.5", "a script skill's content blocks pass through as they are")
        #expect((report["slow"]?["progress"]?.arrayValue?.count ?? 0) >= 2, "a heartbeat while the tool runs: \(report["slow"] ?? .null)")
        #expect(report["cancelled_work_finished"] == false, "cancelling stops the skill's process before it finishes")
        #expect(report["after_cancel"]?["isError"] == false)
        #expect(report["prompts"] == ["notes"])
        #expect(report["prompt_text"]?.stringValue?.contains("Write the decisions first.") == true)
        let resources = report["resources"]?.arrayValue ?? []
        #expect(resources.contains("skill://notes/SKILL.md") && resources.contains("skill://notes/references/example.md"), "\(resources)")
        #expect(report["resource_text"]?.stringValue?.hasPrefix("---\nname: notes") == true)
    }
}

/// What `memento serve` answers to malformed and out-of-era input, line by line (mcp.md §14).
@Suite("memento serve: malformed input", .serialized, .timeLimit(.minutes(2)))
struct ServeProtocolTests {
    /// Sends `lines`, waits for one answer per request, closes stdin; returns answers by id.
    func exchange(_ lines: [String], home: String) throws -> [String: JSONValue] {
        let script = lines.map { "printf '%s\\n' '\($0)'" }.joined(separator: "; ")
        let run = try CLI.runProgram("/bin/bash", ["-c", "(\(script); sleep 1) | '\(CLI.binary)' serve --home '\(home)'"])
        var answers: [String: JSONValue] = [:]
        for line in run.stdout.split(separator: "\n") {
            let message = try JSONValue.parse(String(line))
            let key = message["id"].map { $0 == .null ? "null-\(answers.count)" : $0.encoded() } ?? "none-\(answers.count)"
            answers[key] = message
        }
        return answers
    }

    @Test func legacyAndUndeterminedConnectionsAnswerMalformedInputAsTheSpecSays() throws {
        let work = try TemporaryDirectory()
        #expect(try CLI(home: work.path + "/home").run(["install", Interop.repoRoot + "/Market/skills/checksum-tools"]).status == 0)
        let answers = try exchange([
            "garbage",
            #"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
            #"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"server/discover"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":""}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"bogus/method"}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"nope"}}"#,
            #"{"jsonrpc":"2.0","id":"5","method":"tools/call","params":{"name":"checksum-tools.crc32","arguments":{"seed":-1,"data":"aGk="}}}"#,
            #"{"jsonrpc":"2.0","id":6,"method":"logging/setLevel","params":{"level":"loud"}}"#,
        ], home: work.path + "/home")
        let nullIDs = answers.filter { $0.key.hasPrefix("null-") }.compactMap { $0.value["error"]?["code"]?.int64Value }.sorted()
        #expect(nullIDs == [-32700, -32600, -32600], "garbage, a batch and an id:null request, each answered with id null")
        #expect(answers["2"]?["error"]?["code"] == -32601, "server/discover without the modern envelope")
        #expect(answers["3"]?["error"]?["code"] == -32602)
        #expect(answers["4"]?["error"]?["code"] == -32601)
        #expect(answers["5"]?["error"]?["message"] == "Unknown tool: nope")
        // 5 and "5" are different ids.
        #expect(answers["\"5\""]?["result"]?["isError"] == true)
        #expect(answers["\"5\""]?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("arguments.seed") == true)
        #expect(answers["6"]?["error"]?["code"] == -32602)
    }

    @Test func aModernConnectionChecksTheEnvelopeAndRefusesTheHandshake() throws {
        let work = try TemporaryDirectory()
        let envelope = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
        let answers = try exchange([
            #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{\#(envelope)}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"a","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"ping","params":{\#(envelope)}}"#,
            #"{"jsonrpc":"2.0","id":6,"method":"tools/list","params":{\#(envelope)}}"#,
        ], home: work.path + "/home")
        #expect(answers["1"]?["result"]?["supportedVersions"] == ["2026-07-28"])
        #expect(answers["1"]?["result"]?["resultType"] == "complete")
        #expect(answers["2"]?["error"]?["code"] == -32022)
        #expect(answers["2"]?["error"]?["data"]?["supported"] == ["2026-07-28"])
        #expect(answers["3"]?["error"]?["code"] == -32602, "a missing clientCapabilities")
        #expect(answers["4"]?["error"]?["code"] == -32022)
        #expect(answers["5"]?["error"]?["code"] == -32601, "ping is not part of 2026-07-28")
        #expect(answers["6"]?["result"]?["ttlMs"] != nil)
        #expect(answers["6"]?["result"]?["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "memento")
    }

    /// mcp-fuzzer 0.7.0 (PyPI), bounded and seeded, against every message type: no crash, no
    /// transport anomaly, no hang. Its only findings are "accepted_malformed", which its
    /// heuristics also raise for valid requests (ping {}, tools/list {}, an empty base64 string).
    @Test func mcpFuzzerFindsNoCrashNoHangNoAnomaly() throws {
        let fuzzer = Interop.repoRoot + "/.venv-fuzz/bin/mcp-fuzzer"
        guard FileManager.default.isExecutableFile(atPath: fuzzer) else {
            Issue.record("\(fuzzer) is missing: run `make venv` (make test does)")
            return
        }
        let work = try TemporaryDirectory()
        let home = work.path + "/home"
        #expect(try CLI(home: home).run(["install", Interop.repoRoot + "/Market/skills/checksum-tools"]).status == 0)
        let output = work.path + "/fuzz"
        // A hang would end at `timeout`, with a non-zero status.
        let run = try CLI.runProgram("/usr/bin/timeout", ["240", fuzzer, "--mode", "all", "--protocol", "stdio",
                                                          "--endpoint", "\(CLI.binary) serve --home \(home)",
                                                          "--runs", "10", "--runs-per-type", "5", "--phase", "both", "--seed", "20261125",
                                                          "--no-network", "--timeout", "20", "--output-dir", output])
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let summary = try JSONValue.parse(bytes: Data(contentsOf: URL(fileURLWithPath: output + "/run_summary.json")))
        #expect(summary["status"] == "completed")
        #expect(summary["tool_discovery"]?["tool_count"] == 2)
        let tools = summary["tools"]?["by_name"]?.objectValue ?? [:]
        #expect(tools.keys.sorted() == ["checksum-tools.adler32", "checksum-tools.crc32"], "every tool was fuzzed")
        for (name, tool) in tools {
            #expect(tool["outcomes"]?["crashed"] == 0, "\(name)")
            #expect(tool["outcomes"]?["anomaly"] == 0, "\(name)")
            #expect(tool["outcomes"]?["exceptions"] == 0, "\(name)")
        }
        #expect((summary["protocols"]?["total"]?.int64Value ?? 0) >= 20, "every message type was tried")
        let categories = Set(summary["findings"]?["by_category"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(categories.isSubset(of: ["accepted_malformed"]), "\(categories)")
    }
}
