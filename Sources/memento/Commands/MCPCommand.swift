import ArgumentParser

/// `memento mcp …`: external MCP servers, configured in $MEMENTO_HOME/mcp.json.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Connect external MCP servers (stdio) and use their tools.",
        discussion: """
            Servers are kept in $MEMENTO_HOME/mcp.json in the "mcpServers" shape that
            other MCP clients use (command, args, env, cwd), plus memento's fields:
            "era" (auto, legacy or 2026-07-28), "requestTimeoutSeconds",
            "toolTimeoutSeconds", "maxToolTimeoutSeconds" and "toolTimeouts"
            ({"TOOL": seconds}). A server's tools are named SERVER__TOOL.

            EXAMPLES
              memento mcp add time -- uvx mcp-server-time
              memento mcp import ~/.config/Claude/claude_desktop_config.json
              memento mcp list
              memento mcp tools time
              memento mcp call time__get_current_time --args '{"timezone":"UTC"}'
            """,
        subcommands: [
            MCPAddCommand.self, MCPListCommand.self, MCPRemoveCommand.self, MCPImportCommand.self,
            MCPToolsCommand.self, MCPCallCommand.self,
        ]
    )
}
