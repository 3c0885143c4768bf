"""text-diff: a unified diff of two texts and how similar they are, as an MCP server (Python mcp SDK)."""

import difflib

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer(name="text-diff", version="1.0.0")


@server.tool()
def diff(before: str, after: str, context_lines: int = 3, before_name: str = "before", after_name: str = "after") -> dict:
    """A unified diff from `before` to `after`, the lines added and removed, and a similarity
    ratio between 0 and 1."""
    if not 0 <= context_lines <= 100:
        raise ToolError("context_lines must be between 0 and 100")
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, fromfile=before_name, tofile=after_name, n=context_lines))
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    patch = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return {"diff": patch, "added": added, "removed": removed,
            "similarity": round(difflib.SequenceMatcher(None, before, after).ratio(), 4), "identical": before == after}


if __name__ == "__main__":
    server.run()
