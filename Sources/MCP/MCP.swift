/// The MCP protocol engine; see DESIGN.md and notes/mcp.md.
enum MCPModule {}
