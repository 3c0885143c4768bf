"""The Python peer of `memento serve` in `make bench`: the same crc32 tool as the checksum-tools
skill, on the Python SDK's MCPServer."""

import base64
import zlib

from mcp.server.mcpserver import MCPServer

server = MCPServer(name="crc32-peer", version="1.0.0")


@server.tool()
def crc32(seed: int, data: str) -> dict:
    """CRC-32 of base64-encoded bytes."""
    return {"result": zlib.crc32(base64.b64decode(data), seed)}


if __name__ == "__main__":
    server.run()
