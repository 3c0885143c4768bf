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
        #expect((report["cancel_returned_after"]?.doubleValue ?? 99) < 2)
        #expect(report["cancelled_work_finished"] == false, "cancelling stops the skill's process before it finishes")
        #expect(report["after_cancel"]?["isError"] == false)
        #expect(report["prompts"] == ["notes"])
        #expect(report["prompt_text"]?.stringValue?.contains("Write the decisions first.") == true)
        let resources = report["resources"]?.arrayValue ?? []
        #expect(resources.contains("skill://notes/SKILL.md") && resources.contains("skill://notes/references/example.md"), "\(resources)")
        #expect(report["resource_text"]?.stringValue?.hasPrefix("---\nname: notes") == true)
    }
}
