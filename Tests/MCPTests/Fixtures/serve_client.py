"""Drives `memento serve` with the Python SDK's Client (mcp 2.3.0) and prints what it saw as JSON.

usage: serve_client.py MODE MARKER -- COMMAND ARGS...
MODE is auto, legacy or 2026-07-28. MARKER is the file the `slow` tool of the test's script
skill writes when it finishes, so the test can tell a cancelled call really stopped.
"""

import json
import os
import sys

import anyio
from mcp import Client, StdioServerParameters


def text_of(result):
    return "\n".join(block.text for block in result.content if getattr(block, "type", "") == "text")


async def scenario(mode, marker, command):
    report = {}
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    async with Client(params, mode=mode, read_timeout_seconds=60) as client:
        tools = await client.list_tools()
        report["tools"] = sorted(tool.name for tool in tools.tools)

        result = await client.call_tool("checksum-tools.crc32", {"seed": 0, "data": "aGVsbG8="})
        report["crc32"] = {"isError": result.is_error, "structured": result.structured_content}

        invalid = await client.call_tool("checksum-tools.crc32", {"seed": "zero", "data": "aGVsbG8="})
        report["invalid"] = {"isError": invalid.is_error, "text": text_of(invalid)}

        try:
            await client.call_tool("no-such.tool", {})
            report["unknown"] = "no error"
        except Exception as error:  # the SDK raises for a JSON-RPC error
            report["unknown"] = str(error)

        updates = []

        async def on_progress(progress, total, message):
            updates.append({"progress": progress, "message": message})

        slow = await client.call_tool("slowpoke.slow", {"seconds": 2.5, "marker": marker + ".done"}, progress_callback=on_progress)
        report["slow"] = {"isError": slow.is_error, "text": text_of(slow), "progress": updates}

        with anyio.move_on_after(1.0):
            await client.call_tool("slowpoke.slow", {"seconds": 4, "marker": marker})
        # Long enough for the cancelled call to have finished, had cancelling not stopped it.
        await anyio.sleep(3.5)
        report["cancelled_work_finished"] = os.path.exists(marker)

        prompts = await client.list_prompts()
        report["prompts"] = sorted(prompt.name for prompt in prompts.prompts)
        prompt = await client.get_prompt("notes", {})
        report["prompt_text"] = prompt.messages[0].content.text

        resources = await client.list_resources()
        report["resources"] = sorted(str(resource.uri) for resource in resources.resources)
        read = await client.read_resource("skill://notes/SKILL.md")
        report["resource_text"] = read.contents[0].text

        # After the cancelled call: the next call still works (a fresh server process).
        again = await client.call_tool("slowpoke.slow", {"seconds": 0, "marker": marker + ".again"})
        report["after_cancel"] = {"isError": again.is_error, "text": text_of(again)}
    print(json.dumps(report))


def main():
    mode, marker = sys.argv[1], sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1:]
    anyio.run(scenario, mode, marker, command)


if __name__ == "__main__":
    main()
