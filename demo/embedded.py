"""The embedded PostgreSQL of demo mode (and of tests without a database URL).

``pgserver`` ships a real PostgreSQL in a wheel; the cluster lives in a data
folder, is created on first use and reused afterwards.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import pgserver
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

DATABASE = "case_gateway"


def start(
    pgdata: Path, *, cleanup: Literal["stop", "delete"] | None = "stop"
) -> tuple[pgserver.PostgresServer, URL]:
    """Start (or attach to) the cluster in ``pgdata``; return it and the URL of
    the gateway's database inside it, creating that database if needed."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=cleanup)
    # DATABASE is a constant of this module, not input
    query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';"  # noqa: S608
    exists = server.psql(query)
    if "(1 row)" not in exists:
        log.info("creating database %s in %s", DATABASE, pgdata)
        server.psql(f"CREATE DATABASE {DATABASE};")
    url = URL.create(
        "postgresql+asyncpg",
        username="postgres",
        database=DATABASE,
        query={"host": str(pgdata)},
    )
    return server, url
