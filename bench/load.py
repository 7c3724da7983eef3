"""One round of load against one server, and what it cost.

autocannon (``bench/load.js``) sends the requests; around it the round reads
the server's CPU time (its process tree) and PostgreSQL's (the backends
connected to the benchmark's database, found in ``pg_stat_activity``), so
both can be divided by the requests served.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench.node import NodeTools
from bench.processes import Server, cpu_seconds, rss_mib, tree_cpu_seconds


@dataclass(frozen=True)
class Request:
    """What autocannon sends: a POST of ``body`` (JSON text) to ``url``."""

    url: str
    body: str
    headers: dict[str, str]
    #: ``[<id>]`` in the body becomes a fresh random id per request.
    unique: bool = False


@dataclass(frozen=True)
class Round:
    server: str
    scenario: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    failures: int
    sample_failure: str | None
    server_cpu_ms: float
    postgres_cpu_ms: float
    rss_mib: float


async def _backends(admin_url: str, database: str) -> list[int]:
    connection = await asyncpg.connect(admin_url)
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1", database
        )
    finally:
        await connection.close()
    return [int(r["pid"]) for r in rows]


def backends(admin_url: str, database: str) -> list[int]:
    """PostgreSQL's processes serving ``database`` now."""
    return asyncio.run(_backends(admin_url, database))


def autocannon(
    tools: NodeTools,
    request: Request,
    *,
    connections: int,
    duration: float | None = None,
    amount: int | None = None,
) -> dict[str, Any]:
    config = {
        "url": request.url,
        "headers": {"content-type": "application/json"} | request.headers,
        "body": request.body,
        "connections": connections,
        "idReplacement": request.unique,
    }
    config |= {"amount": amount} if amount else {"duration": duration}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(config, file)
    try:
        done = subprocess.run(  # noqa: S603 (our own script, our own config)
            [str(tools.node), str(tools.autocannon_script), file.name],
            cwd=tools.folder,
            env=os.environ | {"NODE_PATH": str(tools.folder / "node_modules")},
            capture_output=True,
            text=True,
        )
    finally:
        Path(file.name).unlink()
    if done.returncode != 0:
        raise RuntimeError(f"autocannon failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _server_cpu(server: Server) -> float:
    """CPU seconds of the server's processes and of those it uses."""
    return tree_cpu_seconds(server.pid) + sum(cpu_seconds(list(server.also)).values())


def run_round(
    tools: NodeTools,
    server: Server,
    scenario: str,
    request: Request,
    *,
    admin_url: str,
    database: str,
    connections: int,
    duration: float | None = None,
    amount: int | None = None,
) -> Round:
    before_pids = backends(admin_url, database)
    postgres_before = cpu_seconds(before_pids)
    server_before = _server_cpu(server)
    result = autocannon(
        tools, request, connections=connections, duration=duration, amount=amount
    )
    server_after = _server_cpu(server)
    after_pids = backends(admin_url, database)
    postgres_after = cpu_seconds(set(before_pids) | set(after_pids))
    # a backend that started during the round counts from its start
    postgres = sum(
        seconds - postgres_before.get(pid, 0.0)
        for pid, seconds in postgres_after.items()
    )
    served = max(int(result["requests"]), 1)
    failures = int(result["failures"]) + int(result["errors"]) + int(result["timeouts"])
    return Round(
        server=server.name,
        scenario=scenario,
        requests=int(result["requests"]),
        seconds=float(result["seconds"]),
        rps=float(result["rps"]),
        p50_ms=float(result["p50"]),
        p99_ms=float(result["p99"]),
        failures=failures,
        sample_failure=result.get("sample"),
        server_cpu_ms=(server_after - server_before) * 1000 / served,
        postgres_cpu_ms=postgres * 1000 / served,
        rss_mib=rss_mib(server.pid),
    )
