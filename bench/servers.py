"""How each of the three servers is started for the benchmark.

- the gateway: ``manage.py serve`` as one process, in demo mode on the
  benchmark's database (so its development issuer mints the personas'
  tokens) with production-like settings: no GraphiQL, no introspection, the
  access log as shipped, and rate limits high enough not to refuse the load;
- PostGraphile 5: its CLI with ``bench/postgraphile.config.mjs``, as the
  database owner, under Node;
- the ceiling: ``python -m bench.ceiling``, one uvicorn process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from bench.node import NodeTools
from bench.paths import DATA, LOGS, ROOT
from bench.processes import Server, started

GENEROUS = "100000/100000"
CALLER_KINDS = ("ANONYMOUS", "PERSON", "STAFF", "AGENCY", "ADDRESS")


def gateway_environment(
    database_url: str, port: int, rate_limit_store: str | None = None
) -> dict[str, str]:
    """The gateway's environment: demo personas, production-like settings;
    the rate-limit buckets in ``rate_limit_store`` (a Redis URL) or, with
    None, in PostgreSQL (the default store)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GATEWAY_") and k != "DATABASE_URL"
    }
    return (
        env
        | {
            "DATABASE_URL": database_url,
            "GATEWAY_MODE": "demo",
            "GATEWAY_DATA_DIR": str(DATA),
            "GATEWAY_PORT": str(port),
            "GATEWAY_GRAPHIQL": "false",
            "GATEWAY_INTROSPECTION": "false",
        }
        | {f"GATEWAY_RATE_LIMIT_{kind}": GENEROUS for kind in CALLER_KINDS}
        | ({"GATEWAY_RATE_LIMIT_STORE": rate_limit_store} if rate_limit_store else {})
    )


@contextmanager
def gateway(
    database_url: str, port: int, log_name: str, rate_limit_store: str | None = None
) -> Iterator[Server]:
    """The gateway; with the buckets in Redis, the Redis server's CPU counts
    as the gateway's (its work per request is the gateway's)."""
    base = f"http://127.0.0.1:{port}"
    with started(
        "gateway",
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=gateway_environment(database_url, port, rate_limit_store),
        url=f"{base}/graphql",
        probe=f"{base}/readyz",
        log=LOGS / log_name,
    ) as server:
        if rate_limit_store:
            server.also = (redis_pid(rate_limit_store),)
        yield server


def redis_pid(url: str) -> int:
    """The process id of the Redis server at ``url``."""
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        return int(client.info("server")["process_id"])
    finally:
        client.close()


def redis_answering(url: str) -> bool:
    """Whether a Redis server answers at ``url``."""
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def mint(persona: str, database_url: str, port: int) -> str:
    """A token for a demo persona from ``./run mint-token`` (same settings)."""
    done = subprocess.run(  # noqa: S603 (our own command, a fixed persona name)
        [sys.executable, "manage.py", "mint-token", persona],
        cwd=ROOT,
        env=gateway_environment(database_url, port),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@contextmanager
def postgraphile(
    tools: NodeTools, database_url: str, port: int, log_name: str
) -> Iterator[Server]:
    config = tools.folder / "graphile.config.mjs"
    shutil.copyfile(Path(__file__).with_name("postgraphile.config.mjs"), config)
    env = dict(os.environ) | {
        "BENCH_DATABASE_URL": database_url,
        "BENCH_HOST": "127.0.0.1",
        "BENCH_PORT": str(port),
        "NODE_ENV": "production",
        "GRAPHILE_ENV": "production",
    }
    base = f"http://127.0.0.1:{port}"
    with started(
        "postgraphile",
        [str(tools.node), str(tools.postgraphile), "-C", str(config)],
        cwd=tools.folder,
        env=env,
        url=f"{base}/graphql",
        probe=f"{base}/graphql",
        post={"query": "{ __typename }"},
        log=LOGS / log_name,
    ) as server:
        yield server


@contextmanager
def ceiling(
    database_url: str, plan: Path, port: int, log_name: str
) -> Iterator[Server]:
    base = f"http://127.0.0.1:{port}"
    with started(
        "ceiling",
        [
            sys.executable,
            "-m",
            "bench.ceiling",
            "--database-url",
            database_url,
            "--plan",
            str(plan),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=dict(os.environ),
        url=base,
        probe=f"{base}/ready",
        log=LOGS / log_name,
    ) as server:
        yield server
