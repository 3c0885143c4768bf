"""json-query: pick values out of a JSON document with a path, as an MCP server (Python mcp SDK).

Paths look like `items[*].name`, `meta.tags[0]` or `$` for the whole document: dotted keys,
`[N]` indexes (negative from the end), `[*]` for every element or member, and `["any key"]` for a
key with other characters. A quoted key is always a key: `["*"]` and `["0"]` name members called
`*` and `0`, never every element or a list index.
"""

import json
import re

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer(name="json-query", version="1.0.0")

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(-?\d+|\*)\]|\[\"([^\"]*)\"\]")


def _steps(path: str):
    """The path as steps that keep their kind: ("key", name), ("index", n) or ("all",), so that a
    quoted key that looks like `*` or a number is still looked up as a key."""
    path = path.strip()
    if path.startswith("$"):
        path = path[1:]
    steps, position = [], 0
    while position < len(path):
        match = _STEP.match(path, position)
        if not match or match.end() == position:
            raise ToolError(f"cannot read the path at character {position + 1}: {path[position:position + 20]!r}")
        key, index, quoted = match.groups()
        if key is not None or quoted is not None:
            steps.append(("key", key if key is not None else quoted))
        elif index == "*":
            steps.append(("all",))
        else:
            steps.append(("index", int(index)))
        position = match.end()
    return steps


def _apply(values, step):
    kind = step[0]
    selected = []
    for value in values:
        if kind == "all":
            selected.extend(value if isinstance(value, list) else value.values() if isinstance(value, dict) else [])
        elif kind == "index":
            if isinstance(value, list) and -len(value) <= step[1] < len(value):
                selected.append(value[step[1]])
        elif isinstance(value, dict) and step[1] in value:
            selected.append(value[step[1]])
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
