#!/usr/bin/env python3
"""The `search` tool's latency over MCP's stdio transport, as a host sees it: `folio mcp` started by the
official MCP Python SDK on an indexed library, N searches timed from request to result (p50, p95, p99),
with the same searches through `folio search` (a process per search, the CLI's cost) as the baseline.

    mcp_bench.py FOLIO LIBRARY MODELS [N]   (run with the set-up's MCP venv Python)
"""
import asyncio
import statistics
import subprocess
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

QUERIES = [
    "orbital period of comet Halvard", "travel policy train tickets", "Caldera hut opening", "budget for 2024",
    "who wrote the meeting notes", "password policy", "invoice total", "recipe with leeks", "flight times",
    "renovation deposit",
]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def main(folio, library, models, n):
    params = StdioServerParameters(command=folio, args=["--library", library, "--models", models, "mcp"])
    times = []
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await session.call_tool("search", {"query": "warm up"})
            for i in range(n):
                start = time.perf_counter()
                result = await session.call_tool("search", {"query": QUERIES[i % len(QUERIES)], "k": 8})
                times.append((time.perf_counter() - start) * 1000)
                assert not result.is_error, result
    cli = []
    for i in range(min(n, 20)):
        start = time.perf_counter()
        subprocess.run([folio, "--library", library, "--models", models, "search", "--json", QUERIES[i % len(QUERIES)]],
                       check=True, capture_output=True)
        cli.append((time.perf_counter() - start) * 1000)
    print(f"MCP search over stdio, {n} queries: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, "
          f"p99 {pct(times, 99):.1f} ms, mean {statistics.mean(times):.1f} ms")
    print(f"baseline, same run: `folio search` (a process each, model load included), {len(cli)} queries: "
          f"p50 {pct(cli, 50):.1f} ms, p95 {pct(cli, 95):.1f} ms")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 200))
