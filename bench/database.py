"""The benchmark's databases on a PostgreSQL server.

``cg_bench_s<scale>`` holds the demo data at the code's migration head; it
is built with the gateway's own commands (``manage.py migrate`` and ``seed
--scale``) and reused while it is seeded and the migration left it as it
was. Each run works on a copy (``CREATE DATABASE ... TEMPLATE``), dropped
afterwards: ``makePayment`` adds rows, and every run starts from the same
data.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg

from bench.paths import ROOT


def with_database(url: str, database: str) -> str:
    """``url`` naming ``database`` instead of its own."""
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


async def _exists(admin_url: str, database: str) -> bool:
    connection = await asyncpg.connect(admin_url)
    try:
        found = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", database
        )
    finally:
        await connection.close()
    return found is not None


async def _seeded(url: str) -> tuple[str | None, bool]:
    """(migration revision, whether the demo data is there)."""
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name IN "
            "('alembic_version', 'cases', 'glossary_terms')"
        )
        if tables < 3:
            return None, False
        revision = await connection.fetchval("SELECT version_num FROM alembic_version")
        cases = await connection.fetchval("SELECT count(*) FROM cases")
        terms = await connection.fetchval("SELECT count(*) FROM glossary_terms")
    finally:
        await connection.close()
    return revision, bool(cases) and bool(terms)


async def _execute(admin_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _quote(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain database name: {name!r}")
    return f'"{name}"'


def _manage(url: str, *arguments: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GATEWAY_") and k != "DATABASE_URL"
    }
    done = subprocess.run(  # noqa: S603 (the gateway's own commands)
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env | {"DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(arguments)} failed:\n{done.stderr[-3000:]}"
        )
    return done.stdout


def prepare(admin_url: str, scale: int, *, rebuild: bool) -> str:
    """The seeded database for ``scale`` (built if needed); its name."""
    name = f"cg_bench_s{scale}"
    url = with_database(admin_url, name)
    exists = asyncio.run(_exists(admin_url, name))
    if exists and not rebuild:
        before, seeded = asyncio.run(_seeded(url))
        _manage(url, "migrate")
        after, _ = asyncio.run(_seeded(url))
        if seeded and before == after:
            print(f"bench: reusing {name} (seeded, at revision {after})", flush=True)
            return name
    print(f"bench: building {name} (scale {scale})", flush=True)
    asyncio.run(
        _execute(
            admin_url,
            f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)",
            f"CREATE DATABASE {_quote(name)}",
        )
    )
    _manage(url, "migrate")
    report = _manage(url, "seed", "--scale", str(scale))
    print(report.strip().splitlines()[-1], flush=True)
    return name


def copy(admin_url: str, template: str, name: str) -> None:
    """A fresh ``name`` holding what ``template`` holds."""
    asyncio.run(
        _execute(
            admin_url,
            f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)",
            f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(template)}",
        )
    )


def drop(admin_url: str, name: str) -> None:
    asyncio.run(
        _execute(admin_url, f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
    )
