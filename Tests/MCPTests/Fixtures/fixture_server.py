"""An MCP server for memento's interop tests, built on the Python SDK's MCPServer (mcp 2.3.0).

Dual-era like every 2.3.0 server. Flags shape its misbehaviour:
  --banner            print junk on stdout before serving
  --slow-start SECS   sleep before serving
  --hang              never answer anything (reads nothing, exits on SIGTERM)
  --crash-on-start    exit with status 2 at once, after a line on stderr
  --legacy-only       a hand-written handshake-only server that answers server/discover
                      with -32601, like the TypeScript SDK before 2026-07-28
  --silent-probe      like --legacy-only, but ignores server/discover entirely
"""

import argparse
import json
import sys
import time

def handshake_only(answer_discover: bool) -> None:
    """A minimal legacy server without the SDK: handshake, one tool, -32601 for the rest."""
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if "id" not in message:
            continue
        method = message.get("method")
        if method == "server/discover" and not answer_discover:
            continue
        if method == "initialize":
            result = {
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "handshake-only", "version": "0.1"},
            }
        elif method == "tools/list":
            # Two pages of one tool each, to exercise the client's pagination.
            schema = {"type": "object", "properties": {"text": {"type": "string"}}}
            if message.get("params", {}).get("cursor") == "page-2":
                result = {"tools": [{"name": "echo2", "inputSchema": schema}]}
            else:
                result = {"tools": [{"name": "echo", "inputSchema": schema}], "nextCursor": "page-2"}
        elif method == "tools/call":
            text = message["params"].get("arguments", {}).get("text", "")
            result = {"content": [{"type": "text", "text": text}], "isError": False}
        else:
            reply = {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}}
            print(json.dumps(reply), flush=True)
            continue
        print(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--banner", action="store_true")
    parser.add_argument("--slow-start", type=float, default=0)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--crash-on-start", action="store_true")
    parser.add_argument("--legacy-only", action="store_true")
    parser.add_argument("--silent-probe", action="store_true")
    args = parser.parse_args()
    if args.slow_start:
        time.sleep(args.slow_start)
    if args.banner:
        print("memento-fixture 1.0 starting (this banner is not JSON)", flush=True)
    if args.crash_on_start:
        sys.stderr.write("fixture: refusing to start\n")
        sys.exit(2)
    if args.hang:
        while True:
            time.sleep(3600)
    if args.legacy_only or args.silent_probe:
        handshake_only(answer_discover=args.legacy_only)
        return
    # Imported here: the SDK takes a second or more to import, which the modes above avoid.
    from fixture_tools import server

    server.run()


if __name__ == "__main__":
    main()
