import ArgumentParser
import MCP
import MementoCore

struct MCPImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the stdio servers of another MCP client's config file.",
        discussion: """
            Reads "mcpServers" (Claude Desktop, Claude Code, Cursor, Windsurf, …) or
            "servers" (VS Code). Servers with a "url" instead of a "command" are skipped
            and reported. Existing names are kept unless --force.

            EXAMPLES
              memento mcp import ~/.config/Claude/claude_desktop_config.json
              memento mcp import .vscode/mcp.json --force --json
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The other client's JSON config file.")
    var file: String

    @Flag(help: "Replace servers that already exist under the same name.")
    var force = false

    @Flag(help: "Print {imported, kept, skipped} as JSON.")
    var json = false

    func run() async throws {
        let foreign = try MCPConfigFile.readForeign(path: file)
        var config = try MCPConfigFile.load(home: homeOptions.resolvedHome)
        var imported: [String] = []
        var kept: [String] = []
        for (name, server) in foreign.servers.sorted(by: { $0.key < $1.key }) {
            if config.servers[name] != nil && !force {
                kept.append(name)
                continue
            }
            config.set(server)
            imported.append(name)
        }
        if !imported.isEmpty { try config.save() }
        if json {
            MCPCommandSupport.printJSON([
                "imported": .array(imported.map(JSONValue.string)),
                "kept": .array(kept.map(JSONValue.string)),
                "skipped": .object(foreign.skipped.mapValues(JSONValue.string)),
            ])
            return
        }
        for name in imported { print("imported \(name)") }
        for name in kept { print("kept \(name): already configured (use --force to replace)") }
        for (name, reason) in foreign.skipped.sorted(by: { $0.key < $1.key }) { print("skipped \(name): \(reason)") }
        if imported.isEmpty && kept.isEmpty && foreign.skipped.isEmpty { print("no servers in \(file)") }
    }
}
