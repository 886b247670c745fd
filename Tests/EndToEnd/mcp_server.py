"""An MCP server (the official SDK's FastMCP, Streamable HTTP) for the end-to-end tests: a few tools,
one that reports progress, and `/stats` with what it received (requests, headers, tool calls)."""

import json
import sys

import uvicorn
from mcp.server.fastmcp import Context, FastMCP
from starlette.responses import JSONResponse

port = int(sys.argv[1])
server = FastMCP("files", host="127.0.0.1", port=port)
stats = {"requests": 0, "authorization": [], "tool_calls": []}


@server.tool()
def echo(text: str) -> str:
    """Returns the text."""
    stats["tool_calls"].append("echo")
    return text


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two numbers."""
    stats["tool_calls"].append("add")
    return a + b


@server.tool()
def secret() -> str:
    """A tool no key may see."""
    stats["tool_calls"].append("secret")
    return "the launch codes"


@server.tool()
async def count(n: int, ctx: Context) -> str:
    """Counts to n, reporting progress at each step."""
    stats["tool_calls"].append("count")
    for step in range(1, n + 1):
        await ctx.report_progress(step, n, f"step {step}")
    return f"counted to {n}"


@server.custom_route("/stats", methods=["GET"])
async def report(request):
    return JSONResponse(stats)


app = server.streamable_http_app()


async def recorded(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith("/mcp"):
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        stats["requests"] += 1
        stats["authorization"].append(headers.get("authorization"))
    await app(scope, receive, send)


print(json.dumps({"listening": port}), flush=True)
uvicorn.run(recorded, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
