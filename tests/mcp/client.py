"""Drives `folio mcp` with the official MCP Python SDK (the `mcp` package from PyPI, which Folio did not
write), as a host such as Claude Desktop would: initialise, list the tools, call each, read a
resource, and the refusals. Prints one JSON document, the transcript, for tests/it/mcp.rs to check.

    python client.py FOLIO LIBRARY MODELS QUESTION NEW_FOLDER
"""
import asyncio
import json
import os
import sys
import time

from mcp import ClientSession, MCPError, StdioServerParameters
from mcp.client.stdio import stdio_client


def server(folio, library, models, *extra):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LD_LIBRARY_PATH", "XDG_CONFIG_HOME")}
    return StdioServerParameters(command=folio, args=["--library", library, "--models", models, "mcp", *extra], env=env)


def structured(result):
    return {"is_error": bool(result.is_error), "content": result.structured_content}


async def main(folio, library, models, question, new_folder):
    out = {}
    async with stdio_client(server(folio, library, models)) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            out["server"] = init.server_info.name
            out["protocol"] = init.protocol_version
            out["tools"] = sorted(t.name for t in (await session.list_tools()).tools)

            started = time.monotonic()
            out["search"] = structured(await session.call_tool("search", {"query": "orbital period of comet Halvard", "k": 3}))
            out["search_ms"] = (time.monotonic() - started) * 1000
            passage = out["search"]["content"]["results"][0]["passage_id"]
            out["get_passage"] = structured(await session.call_tool("get_passage", {"id": passage, "context": 1}))
            out["list_folders"] = structured(await session.call_tool("list_folders", {}))
            out["status"] = structured(await session.call_tool("status", {}))
            out["bad_argument"] = structured(await session.call_tool("search", {"query": 5}))
            out["outside"] = structured(await session.call_tool("search", {"query": "passwd", "folder": "/etc"}))
            try:
                await session.call_tool("add_folder", {"path": "/etc"})
                out["write_without_permission"] = "accepted"
            except MCPError as e:
                out["write_without_permission"] = str(e)

            resources = (await session.list_resources()).resources
            out["resources"] = len(resources)
            first = await session.read_resource(resources[0].uri)
            out["resource"] = {"uri": str(resources[0].uri), "name": resources[0].name, "text": first.contents[0].text}
            try:
                await session.read_resource("folio://document/999999")
                out["missing_resource"] = "served"
            except MCPError as e:
                out["missing_resource"] = str(e)

            progress = []

            async def on_progress(value, total, message):
                progress.append(message)

            out["ask"] = structured(await session.call_tool("ask", {"question": question}, progress_callback=on_progress))
            out["ask_progress"] = progress

            # A second server on the same library while this one holds it: a clear refusal, not a hang.
            try:
                async with stdio_client(server(folio, library, models)) as (read2, write2):
                    async with ClientSession(read2, write2) as second:
                        await asyncio.wait_for(second.initialize(), 60)
                        out["second_server"] = "served"
            except BaseException as e:  # the server exits at once; the SDK reports the closed stream
                out["second_server"] = type(e).__name__

    # With --allow-writes: the writing tools are offered and work.
    async with stdio_client(server(folio, library, models, "--allow-writes")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            out["tools_with_writes"] = sorted(t.name for t in (await session.list_tools()).tools)
            out["add_folder"] = structured(await session.call_tool("add_folder", {"path": new_folder}))
            out["reindex"] = structured(await session.call_tool("reindex", {}))
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
