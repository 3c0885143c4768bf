import Foundation
import MCP
import MementoCore
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test func serverEntryRoundTripsAndKeepsUnknownFields() throws {
        let entry = try JSONValue.parse(#"""
            {"command":"uvx","args":["mcp-server-time"],"env":{"TZ":"UTC"},"cwd":"/tmp","era":"legacy",
             "toolTimeoutSeconds":600,"toolTimeouts":{"slow":1.5},"disabled":true,"alwaysAllow":["x"]}
            """#)
        let config = try MCPServerConfig(name: "time", json: entry)
        #expect(config.era == .legacy)
        #expect(config.toolTimeout == .seconds(600))
        #expect(config.toolTimeouts["slow"] == .milliseconds(1500))
        #expect(config.json == entry)
    }

    @Test func badEntriesAreExplained() {
        #expect(throws: MCPError.self) { try MCPServerConfig(name: "web", json: ["url": "https://example.com"]) }
        #expect(throws: MCPError.self) { try MCPServerConfig(name: "a__b", json: ["command": "x"]) }
        #expect(throws: MCPError.self) { try MCPServerConfig(name: "x", json: ["command": "x", "era": "2099-01-01"]) }
        #expect(throws: MCPError.self) { try MCPServerConfig(name: "x", json: ["command": "x", "args": [1]]) }
    }

    @Test func fileIsWrittenAtomicallyAndReadBack() throws {
        let home = NSTemporaryDirectory() + "memento-mcp-config-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: home) }
        var file = try MCPConfigFile.load(home: home)
        #expect(file.servers.isEmpty)
        file.set(MCPServerConfig(name: "one", command: "/bin/true"))
        try file.save()
        let reread = try MCPConfigFile.load(home: home)
        #expect(reread.servers["one"]?.command == "/bin/true")
        #expect(try FileSystem.entries(of: home) == ["mcp.json"])  // no temp file left behind
    }

    @Test func foreignConfigsImportStdioServersOnly() throws {
        let path = NSTemporaryDirectory() + "memento-foreign-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"servers":{"code":{"command":"node","args":["s.js"]},"remote":{"url":"https://x"}}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let foreign = try MCPConfigFile.readForeign(path: path)
        #expect(foreign.servers.keys.sorted() == ["code"])
        #expect(foreign.skipped.keys.sorted() == ["remote"])
    }

    @Test func environmentIsAWhitelistWithExpansion() throws {
        let host = ["PATH": "/usr/bin", "HOME": "/home/u", "SECRET_KEY": "s3cret", "TOKEN": "t"]
        let built = try ChildEnvironment.build(configured: ["PATH": "${PATH}:/opt/bin", "API": "Bearer ${TOKEN}", "LIT": "$5 and ${"], host: host)
        #expect(built == ["PATH": "/usr/bin:/opt/bin", "HOME": "/home/u", "API": "Bearer t", "LIT": "$5 and ${"])
        #expect {
            try ChildEnvironment.build(configured: ["X": "${MISSING}"], host: host)
        } throws: { error in
            (error as? ChildEnvironment.ExpansionError)?.reference == "MISSING"
        }
    }

    @Test func toolNamesAreQualifiedAndSplit() {
        #expect(MCPTool.qualify(server: "git", tool: "git_status") == "git__git_status")
        #expect(MCPTool.qualify(server: "s", tool: "weird name/ü") == "s__weird_name__")
        #expect(MCPTool.qualify(server: "s", tool: String(repeating: "a", count: 200)).count == 128)
        #expect(MCPTool.split("time__get_current_time")! == ("time", "get_current_time"))
        #expect(MCPTool.split("time__a__b")! == ("time", "a__b"))
        #expect(MCPTool.split("nounderscore") == nil)
    }
}
