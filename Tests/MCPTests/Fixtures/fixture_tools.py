"""The SDK-based tools of fixture_server.py (mcp 2.3.0 MCPServer)."""

import os
import sys

from pydantic import BaseModel

from mcp.server.caching import CacheHint
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ElicitRequest, ElicitRequestFormParams, InputRequiredResult

# Tool lists stay fresh for 10 minutes, so in the modern era only a list-changed event on the
# client's subscriptions/listen stream can make a new tool visible sooner.
server = MCPServer(name="memento-fixture", version="1.0.0", cache_hints={"tools/list": CacheHint(ttl_ms=600_000)})


@server.tool()
def echo(text: str) -> str:
    """Returns its input."""
    return text


@server.tool()
async def progress(steps: int, delay: float, ctx: Context) -> str:
    """Reports progress and logs each step, sleeping `delay` seconds between steps."""
    for step in range(steps):
        await ctx.info(f"step {step}")
        await ctx.report_progress(step + 1, steps, f"step {step + 1}/{steps}")
        await _sleep(delay)
    return f"done after {steps} steps"


async def _sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


@server.tool()
async def sleep(seconds: float) -> str:
    """Sleeps; used to test timeouts and cancellation."""
    await _sleep(seconds)
    return "woke up"


@server.tool()
def crash(code: int) -> str:
    """Dies mid-call after a last word on stderr."""
    sys.stderr.write("fixture: about to crash on purpose\n")
    sys.stderr.flush()
    os._exit(code)


@server.tool(structured_output=False)
def big(size: int) -> str:
    """Returns `size` bytes of text (unstructured, so the payload is not doubled)."""
    return "x" * size


@server.tool()
def junk() -> str:
    """Writes a non-JSON line to stdout between protocol messages."""
    os.write(1, b"this line is not JSON-RPC\n")
    return "after junk"


class Point(BaseModel):
    x: int
    y: int


@server.tool()
def point(bad: bool = False) -> Point:
    """Returns structured output; with `bad` the payload breaks its own outputSchema."""
    if bad:
        return Point.model_construct(x="not a number", y=2)
    return Point(x=1, y=2)


class Name(BaseModel):
    name: str


@server.tool()
async def ask_name(ctx: Context) -> str:
    """Legacy elicitation: asks the client for a name."""
    result = await ctx.elicit("Your name?", schema=Name)
    if result.action == "accept" and result.data is not None:
        return f"hello {result.data.name}"
    return f"no name ({result.action})"


@server.tool()
async def ask_name_modern(ctx: Context) -> str | InputRequiredResult:
    """Modern multi-round input: returns input_required until the client answers."""
    responses = ctx.input_responses
    if not responses or "name" not in responses:
        return InputRequiredResult(
            input_requests={
                "name": ElicitRequest(
                    params=ElicitRequestFormParams(
                        message="Your name?",
                        requested_schema={"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                    )
                )
            },
            request_state="round-1",
        )
    answer = responses["name"]
    content = getattr(answer, "content", None) or {}
    return f"hello {content.get('name', '?')} (state {ctx.request_state})"


@server.tool()
async def grow(ctx: Context) -> str:
    """Registers a new tool `extra` and announces the change: on the connection (legacy) or
    on `subscriptions/listen` streams (modern)."""

    def extra() -> str:
        return "extra"

    server.add_tool(extra, name="extra")
    if ctx.protocol_version and ctx.protocol_version.startswith("2026"):
        await ctx.notify_tools_changed()
    else:
        await ctx.request_context.session.send_tool_list_changed()
    return "grown"


@server.tool()
async def roots(ctx: Context) -> str:
    """Legacy: asks the client for its roots and lists their URIs."""
    result = await ctx.request_context.session.list_roots()
    return " ".join(str(root.uri) for root in result.roots)


@server.tool()
async def sample(ctx: Context) -> str:
    """Legacy: asks the client's LLM for a completion; reports a refusal as text."""
    from mcp_types import SamplingMessage, TextContent

    try:
        await ctx.request_context.session.create_message(
            [SamplingMessage(role="user", content=TextContent(type="text", text="hi"))], max_tokens=10
        )
    except Exception as error:  # the refusal arrives as an MCP error
        return f"sampling refused: {error}"
    return "sampling accepted"


@server.tool()
def noisy(kib: int) -> str:
    """Writes `kib` KiB of log lines to stderr; a client that does not drain stderr would
    leave the server blocked once the pipe buffer (64 KiB) is full."""
    line = "noise " * 20 + "\n"
    for _ in range(kib * 1024 // len(line)):
        sys.stderr.write(line)
    sys.stderr.flush()
    return "quiet now"
