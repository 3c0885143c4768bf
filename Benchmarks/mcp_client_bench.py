"""Per-call latency of the Python SDK's Client (mcp 2.3.0) against any stdio MCP server.

usage: mcp_client_bench.py CALLS TOOL ARGS_JSON -- COMMAND ARGS...
Prints the p50 and p99 of CALLS sequential tools/call round trips, in microseconds, after a
warm-up, the size of the last result's text, and the CPU time this client process spent per
call in microseconds (the server's time is its own process's).
"""

import json
import os
import sys
import time

import anyio
from mcp import Client, StdioServerParameters


async def measure(calls, tool, arguments, command):
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    async with Client(params, read_timeout_seconds=120) as client:
        await client.list_tools()
        for _ in range(min(20, calls)):
            await client.call_tool(tool, arguments)
        samples = []
        result = None
        cpu_started = time.process_time()
        for _ in range(calls):
            started = time.perf_counter()
            result = await client.call_tool(tool, arguments)
            samples.append((time.perf_counter() - started) * 1e6)
        cpu = (time.process_time() - cpu_started) / calls * 1e6
        if result.is_error:
            sys.exit(f"{tool} failed: {result.content}")
    samples.sort()
    size = sum(len(getattr(block, "text", "")) for block in result.content)
    print(f"{samples[len(samples) // 2]:.1f} {samples[min(len(samples) - 1, len(samples) * 99 // 100)]:.1f} {size} {cpu:.1f}")


def main():
    calls, tool, arguments = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
    command = sys.argv[sys.argv.index("--") + 1:]
    anyio.run(measure, calls, tool, arguments, command)


if __name__ == "__main__":
    main()
