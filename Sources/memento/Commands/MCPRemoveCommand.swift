import ArgumentParser
import MCP

struct MCPRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove an MCP server from mcp.json.",
        discussion: """
            EXAMPLES
              memento mcp remove time
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The server's name.")
    var name: String

    func run() async throws {
        var file = try MCPConfigFile.load(home: homeOptions.resolvedHome)
        _ = try MCPCommandSupport.server(named: name, in: file)
        file.remove(name)
        try file.save()
        print("removed \(name)")
    }
}
