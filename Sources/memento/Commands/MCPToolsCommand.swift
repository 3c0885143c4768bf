import ArgumentParser
import MCP
import MementoCore

struct MCPToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "List the tools of one MCP server, or of all of them.",
        discussion: """
            Tool names are SERVER__TOOL, the names `memento mcp call` takes. A server that
            fails is reported on stderr and the command exits 1, after listing the rest.

            EXAMPLES
              memento mcp tools
              memento mcp tools time --json | jq '.[].inputSchema'
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "A server name; all servers when omitted.")
    var name: String?

    @Flag(help: "Print a JSON array: name, server, tool, title, description, inputSchema, outputSchema, annotations.")
    var json = false

    func run() async throws {
        let home = homeOptions.resolvedHome
        let file = try MCPConfigFile.load(home: home)
        let configs = try name.map { [try MCPCommandSupport.server(named: $0, in: file)] } ?? file.servers.values.sorted { $0.name < $1.name }
        var tools: [MCPTool] = []
        var failures: [any Error] = []
        for config in configs {
            let client = MCPCommandSupport.client(config, home: home)
            do {
                tools += try await MCPCommandSupport.cancellingOnInterrupt { try await client.listTools() }
            } catch let error as MCPError {
                // One broken server must not hide the tools of the others.
                failures.append(error)
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
        defer { for failure in failures { MCPCommandSupport.printError("error: \(failure)") } }
        if json {
            MCPCommandSupport.printJSON(.array(tools.map(Self.json)))
        } else {
            let width = tools.map(\.qualifiedName.count).max() ?? 0
            for tool in tools {
                print(MCPCommandSupport.pad(tool.qualifiedName, width) + "  " + String(MCPCommandSupport.firstLine(tool.description ?? tool.title).prefix(80)))
            }
        }
        if !failures.isEmpty { throw ExitStatus.checkFailed }
    }

    static func json(_ tool: MCPTool) -> JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(tool.qualifiedName), "server": .string(tool.server), "tool": .string(tool.name),
            "inputSchema": tool.inputSchema,
        ]
        if let title = tool.title { members["title"] = .string(title) }
        if let description = tool.description { members["description"] = .string(description) }
        if let schema = tool.outputSchema { members["outputSchema"] = schema }
        if let annotations = tool.annotations { members["annotations"] = annotations }
        return .object(members)
    }
}
