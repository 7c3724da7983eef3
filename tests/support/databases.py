"""Fresh PostgreSQL databases for tests: one migrated template per run, cloned
per test. Uses TEST_DATABASE_URL's server when set, else an embedded one."""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL

from db.engine import async_url

ENV = "TEST_DATABASE_URL"


def _asyncpg_dsn(url: URL) -> dict[str, Any]:
    """Connection keywords for asyncpg from a SQLAlchemy URL."""
    host = url.host or url.query.get("host")
    return {
        "host": host,
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "database": url.database,
    }


@dataclass
class Server:
    """A PostgreSQL server we may create and drop databases on."""

    admin_url: URL
    prefix: str = field(default_factory=lambda: f"cgtest_{uuid.uuid4().hex[:8]}")
    embedded: Any = None
    created: list[str] = field(default_factory=list)

    @classmethod
    def start(cls) -> Server:
        given = os.environ.get(ENV)
        if given:
            return cls(admin_url=async_url(given))
        from demo import embedded

        folder = Path(tempfile.mkdtemp(prefix="cgtest-pg-"))
        server, url = embedded.start(folder / "pg", cleanup="delete")
        return cls(admin_url=url, embedded=server)

    def url_for(self, database: str) -> URL:
        return self.admin_url.set(database=database)

    async def create(self, template: str | None = None) -> URL:
        """A new empty database (or a copy of ``template``)."""
        name = f"{self.prefix}_{len(self.created)}"
        conn = await asyncpg.connect(**_asyncpg_dsn(self.admin_url))
        try:
            clause = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{clause}')
        finally:
            await conn.close()
        self.created.append(name)
        return self.url_for(name)

    async def drop(self, name: str) -> None:
        conn = await asyncpg.connect(**_asyncpg_dsn(self.admin_url))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def drop_all(self) -> None:
        for name in reversed(self.created):
            await self.drop(name)
        self.created.clear()

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.cleanup()
