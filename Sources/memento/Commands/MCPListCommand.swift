import ArgumentParser
import MCP
import MementoCore

struct MCPListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Start each configured MCP server and show its status, era and tool count.",
        discussion: """
            Servers start in parallel and are stopped again afterwards. A server that
            fails to start shows the error and the end of its stderr; the command then
            exits 1.

            EXAMPLES
              memento mcp list
              memento mcp list --json | jq '.[] | select(.status != "ok")'
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(help: "Print a JSON array: name, command, args, era, status, protocol, tools, error.")
    var json = false

    struct Row: Sendable {
        let config: MCPServerConfig
        let era: NegotiatedEra?
        let toolCount: Int?
        let error: MCPError?
    }

    func run() async throws {
        let home = homeOptions.resolvedHome
        let file = try MCPConfigFile.load(home: home)
        guard !file.servers.isEmpty || json else {
            print("no MCP servers configured; add one with `memento mcp add NAME -- CMD ARGS…`")
            return
        }
        let rows = try await MCPCommandSupport.cancellingOnInterrupt {
            await withTaskGroup(of: Row.self) { group in
                for config in file.servers.values {
                    group.addTask { await Self.probe(config, home: home) }
                }
                var rows: [Row] = []
                for await row in group { rows.append(row) }
                return rows.sorted { $0.config.name < $1.config.name }
            }
        }
        let failed = rows.contains { $0.error != nil }
        if json {
            MCPCommandSupport.printJSON(.array(rows.map(\.json)))
            if failed { throw ExitStatus.checkFailed }
            return
        }
        let width = max(4, rows.map(\.config.name.count).max() ?? 0)
        print(MCPCommandSupport.pad("NAME", width) + "  STATUS  ERA                 TOOLS  COMMAND")
        for row in rows {
            let command = ([row.config.command] + row.config.arguments).joined(separator: " ")
            print(MCPCommandSupport.pad(row.config.name, width) + "  " + MCPCommandSupport.pad(row.error == nil ? "ok" : "error", 6)
                  + "  " + MCPCommandSupport.pad(row.era?.description ?? "-", 18) + "  "
                  + MCPCommandSupport.pad(row.toolCount.map(String.init) ?? "-", 5) + "  " + command)
        }
        for row in rows {
            if let error = row.error { MCPCommandSupport.printError("\n\(error)") }
        }
        if failed { throw ExitStatus.checkFailed }
    }

    static func probe(_ config: MCPServerConfig, home: String) async -> Row {
        let client = MCPCommandSupport.client(config, home: home)
        do {
            let era = try await client.start()
            let tools = try await client.listTools()
            await client.shutdown()
            return Row(config: config, era: era, toolCount: tools.count, error: nil)
        } catch {
            await client.shutdown()
            return Row(config: config, era: nil, toolCount: nil, error: error)
        }
    }
}

extension MCPListCommand.Row {
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(config.name),
            "command": .string(config.command),
            "args": .array(config.arguments.map(JSONValue.string)),
            "era": .string(config.era.description),
            "status": .string(error == nil ? "ok" : "error"),
        ]
        if let era { members["protocol"] = .string(era.version) }
        if let toolCount { members["tools"] = .number(JSONNumber(toolCount)) }
        if let error {
            members["error"] = .string(error.message)
            if !error.stderrTail.isEmpty { members["stderr"] = .string(error.stderrTail) }
        }
        return .object(members)
    }
}
