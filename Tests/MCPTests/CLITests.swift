import Foundation
import MCP
import MementoCore
import Testing

/// `memento mcp …` end to end, through the built binary, against mcp-server-time.
@Suite("memento mcp CLI", .serialized, .timeLimit(.minutes(1)))
struct CLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    private func memento(_ arguments: [String], home: String) async throws -> Run {
        let binary = try Interop.mementoBinary()
        return try await offPool { try Self.run(binary, arguments, home: home) }
    }

    private static func run(_ binary: String, _ arguments: [String], home: String) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // Right after `mcp SUBCOMMAND`: anything after `--` belongs to the server's command.
        process.arguments = Array(arguments.prefix(2)) + ["--home", home] + arguments.dropFirst(2)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func addListToolsCallRemove() async throws {
        let home = NSTemporaryDirectory() + "memento-cli-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let python = try Interop.python()

        let add = try await memento(["mcp", "add", "time", "--env", "TZ=UTC", "--", python, "-m", "mcp_server_time", "--local-timezone", "UTC"], home: home)
        #expect(add.status == 0, "\(add.stderr)")
        let again = try await memento(["mcp", "add", "time", "--", python], home: home)
        #expect(again.status == 2 && again.stderr.contains("--force"))

        let list = try await memento(["mcp", "list", "--json"], home: home)
        #expect(list.status == 0, "\(list.stderr)")
        let rows = try JSONValue.parse(list.stdout).arrayValue ?? []
        #expect(rows.first?["status"] == "ok")
        #expect(rows.first?["protocol"] == "2026-07-28")
        #expect(rows.first?["tools"] == 2)

        let tools = try await memento(["mcp", "tools", "time", "--json"], home: home)
        let names = try JSONValue.parse(tools.stdout).arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(Set(names) == ["time__get_current_time", "time__convert_time"])

        let call = try await memento(["mcp", "call", "time__get_current_time", "--args", #"{"timezone":"UTC"}"#, "--json"], home: home)
        #expect(call.status == 0, "\(call.stderr)")
        #expect(try JSONValue.parse(call.stdout)["structuredContent"]?["timezone"] == "UTC")

        let failing = try await memento(["mcp", "call", "time__get_current_time", "--args", #"{"timezone":"Mars/Olympus"}"#], home: home)
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("Invalid timezone"))

        let badArgs = try await memento(["mcp", "call", "time__get_current_time", "--args", "[1]"], home: home)
        #expect(badArgs.status == 2 && badArgs.stderr.contains("must be a JSON object"))

        let remove = try await memento(["mcp", "remove", "time"], home: home)
        #expect(remove.status == 0)
        let file = try MCPConfigFile.load(home: home)
        #expect(file.servers.isEmpty)
    }

    @Test func importKeepsExistingServersAndSkipsRemoteOnes() async throws {
        let home = NSTemporaryDirectory() + "memento-cli-import-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let foreign = home + "/claude.json"
        try Data(#"{"mcpServers":{"a":{"command":"x"},"web":{"url":"https://example.com/mcp"}}}"#.utf8).write(to: URL(fileURLWithPath: foreign))
        let first = try await memento(["mcp", "import", foreign, "--json"], home: home)
        #expect(try JSONValue.parse(first.stdout)["imported"] == ["a"])
        #expect(try JSONValue.parse(first.stdout)["skipped"]?["web"] != nil)
        let second = try await memento(["mcp", "import", foreign, "--json"], home: home)
        #expect(try JSONValue.parse(second.stdout)["kept"] == ["a"])
    }

    /// Form elicitation at a terminal: `script` gives memento a pseudo-terminal, so it asks;
    /// the answers typed ahead wait in the terminal's buffer until it reads them.
    @Test func elicitationIsAnsweredAtATerminal() async throws {
        let home = NSTemporaryDirectory() + "memento-cli-tty-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: home) }
        var file = try MCPConfigFile.load(home: home)
        file.set(try Interop.fixture(era: .legacy))
        try file.save()
        let binary = try Interop.mementoBinary()
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux `script` is needed for the terminal test")
        let output = try await offPool { () throws -> String in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", "\(binary) mcp call fixture__ask_name --home \(home)", "/dev/null"]
            let input = Pipe()
            let out = Pipe()
            process.standardInput = input
            process.standardOutput = out
            try process.run()
            input.fileHandleForWriting.write(Data("y\nAda\n".utf8))
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(output.contains("fixture asks: Your name?"))
        #expect(output.contains("hello Ada"))
    }
}
