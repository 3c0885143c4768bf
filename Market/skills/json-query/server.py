"""json-query: pick values out of a JSON document with a path, as an MCP server (Python mcp SDK).

Paths look like `items[*].name`, `meta.tags[0]` or `$` for the whole document: dotted keys,
`[N]` indexes (negative from the end) and `[*]` for every element or member.
"""

import json
import re

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer(name="json-query", version="1.0.0")

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(-?\d+|\*)\]|\[\"([^\"]*)\"\]")


def _steps(path: str):
    path = path.strip()
    if path.startswith("$"):
        path = path[1:]
    steps, position = [], 0
    while position < len(path):
        match = _STEP.match(path, position)
        if not match or match.end() == position:
            raise ToolError(f"cannot read the path at character {position + 1}: {path[position:position + 20]!r}")
        key, index, quoted = match.groups()
        steps.append(key if key is not None else quoted if quoted is not None else index)
        position = match.end()
    return steps


def _apply(values, step):
    selected = []
    for value in values:
        if step == "*":
            selected.extend(value if isinstance(value, list) else value.values() if isinstance(value, dict) else [])
        elif isinstance(value, list) and re.fullmatch(r"-?\d+", step):
            index = int(step)
            if -len(value) <= index < len(value):
                selected.append(value[index])
        elif isinstance(value, dict) and step in value:
            selected.append(value[step])
    return selected


@server.tool()
def query(document: str, path: str) -> dict:
    """The values at `path` in the JSON `document`, with how many matched."""
    try:
        data = json.loads(document)
    except json.JSONDecodeError as error:
        raise ToolError(f"document is not JSON: {error}") from error
    values = [data]
    for step in _steps(path):
        values = _apply(values, step)
    return {"matches": len(values), "values": values}


if __name__ == "__main__":
    server.run()
