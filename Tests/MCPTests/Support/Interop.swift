import Foundation
import MCP
import MementoCore
import Synchronization
import Testing
import TestSupport

/// Finds the Python peers the lead's Makefile installs into `<repo>/.venv-mcp`.
enum Interop {
    static var repoRoot: String { Repository.root }

    static var venvBin: String { repoRoot + "/.venv-mcp/bin" }
    static var fixtureScript: String { repoRoot + "/Tests/MCPTests/Fixtures/fixture_server.py" }

    /// The venv interpreter; a missing venv fails the test (it must never pass silently).
    static func python() throws -> String {
        let path = venvBin + "/python"
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "the interop venv is missing at \(path): run `make test` (it creates .venv-mcp from Tests/MCPTests/Fixtures/requirements.txt)")
        return path
    }

    static func fixture(_ flags: [String] = [], era: EraPin = .auto, name: String = "fixture") throws -> MCPServerConfig {
        var config = MCPServerConfig(name: name, command: try python(), arguments: ["-u", fixtureScript] + flags, era: era)
        config.requestTimeout = .seconds(10)
        config.toolTimeout = .seconds(20)
        return config
    }

    static func timeServer(era: EraPin) throws -> MCPServerConfig {
        MCPServerConfig(name: "time", command: try python(), arguments: ["-m", "mcp_server_time", "--local-timezone", "UTC"], era: era)
    }

    /// The `memento` CLI, built next to the test bundle by `swift build` / `swift test`.
    static func mementoBinary() throws -> String {
        try #require(FileManager.default.isExecutableFile(atPath: CLI.binary),
                     "the memento binary was not built at \(CLI.binary); run `make test`")
        return CLI.binary
    }

    static let eras: [EraPin] = [.auto, .legacy, .modern(ProtocolVersion.latestModern)]

    /// Runs `body` with a client and always shuts the server down, then checks nothing of it is
    /// left: neither the process nor anything in its process group.
    @discardableResult
    static func withClient<T: Sendable>(
        _ config: MCPServerConfig, features: ClientFeatures = ClientFeatures(), spill: SpillPolicy = SpillPolicy(directory: nil),
        _ body: (MCPClient) async throws -> T
    ) async throws -> T {
        let client = MCPClient(config: config, features: features, spill: spill)
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(client))
        } catch {
            outcome = .failure(error)
        }
        let pid = await client.processID
        await client.shutdown()
        if let pid {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "server process \(pid) outlived shutdown")
            #expect(kill(-pid, 0) == -1, "process group \(pid) outlived shutdown")
        }
        return try outcome.get()
    }
}

/// Collects values from callbacks that run on other threads.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// Answers every elicitation with a fixed name.
struct FixedElicitor: Elicitor {
    let name: String
    func elicit(_ request: ElicitationRequest) async -> JSONValue {
        ["action": "accept", "content": ["name": .string(name)]]
    }
}
