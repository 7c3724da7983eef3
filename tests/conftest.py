"""Shared fixtures: a real PostgreSQL for the run, a fresh database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from db import migrate
from db.engine import create_engine
from tests.support.databases import Server

EngineFactory = Callable[[], Awaitable[AsyncEngine]]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """The server for this run: TEST_DATABASE_URL's, or an embedded one."""
    server = Server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def template_database(pg_server: Server) -> AsyncIterator[str]:
    """A database migrated to head once per run; tests get copies of it."""
    url = await pg_server.create()
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    assert url.database is not None
    yield url.database
    await pg_server.drop_all()


@pytest.fixture
async def empty_database_url(pg_server: Server) -> AsyncIterator[URL]:
    """A new database with nothing in it, not even migrations."""
    url = await pg_server.create()
    yield url
    assert url.database is not None
    await pg_server.drop(url.database)


@pytest.fixture
async def engine_factory(
    pg_server: Server, template_database: str
) -> AsyncIterator[EngineFactory]:
    """Makes engines on fresh migrated databases; all dropped after the test."""
    made: list[tuple[AsyncEngine, str]] = []

    async def make() -> AsyncEngine:
        url = await pg_server.create(template=template_database)
        engine = create_engine(url, pool_size=5, max_overflow=5)
        assert url.database is not None
        made.append((engine, url.database))
        return engine

    yield make
    for engine, name in made:
        await engine.dispose()
        await pg_server.drop(name)


@pytest.fixture
async def engine(engine_factory: EngineFactory) -> AsyncEngine:
    """An engine on a fresh, migrated, empty database of this test's own."""
    return await engine_factory()
