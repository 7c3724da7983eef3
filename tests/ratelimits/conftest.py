"""Stores for the rate-limit tests: PostgreSQL on the test's own database,
Redis on the local server under a key prefix of the test's own."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from ratelimits.postgres import PostgresStore
from ratelimits.redis import RedisStore
from ratelimits.store import BucketStore

REDIS_ENV = "TEST_REDIS_URL"
REDIS_URL = os.environ.get(REDIS_ENV, "redis://127.0.0.1:6379/0")

#: Makes a store of the test's kind: several are like several processes.
StoreFactory = Callable[[], Awaitable[BucketStore]]


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own on a reachable Redis (else a skip);
    every key under it is deleted afterwards."""
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); set {REDIS_ENV}")
    prefix = f"cgtest:{uuid.uuid4().hex}:"
    yield prefix
    async for key in client.scan_iter(match=prefix + "*"):
        await client.delete(key)
    await client.aclose()


@pytest.fixture
async def redis_client(redis_prefix: str) -> AsyncIterator[Redis]:
    """A client on the test Redis, for looking at what a store left there."""
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture(params=["postgresql", "redis"])
def backend(request: pytest.FixtureRequest) -> AsyncEngine | str:
    """The test's database engine, then a Redis key prefix of its own."""
    if request.param == "postgresql":
        engine: AsyncEngine = request.getfixturevalue("engine")
        return engine
    prefix: str = request.getfixturevalue("redis_prefix")
    return prefix


@pytest.fixture
async def store_factory(backend: AsyncEngine | str) -> AsyncIterator[StoreFactory]:
    """Stores of one kind sharing their buckets, as separate processes would:
    each with its own Redis client, or its own small engine on the test's
    database. All closed afterwards."""
    made: list[BucketStore] = []
    engines: list[AsyncEngine] = []

    async def make() -> BucketStore:
        if isinstance(backend, str):
            # generous: these tests are about atomicity, not time limits
            made.append(RedisStore.from_url(REDIS_URL, prefix=backend, timeout=5))
        else:
            engines.append(create_engine(backend.url, pool_size=4, max_overflow=0))
            made.append(PostgresStore(engines[-1]))
        return made[-1]

    yield make
    await asyncio.gather(*(store.close() for store in made))
    await asyncio.gather(*(engine.dispose() for engine in engines))


@pytest.fixture
async def store(store_factory: StoreFactory) -> BucketStore:
    """A PostgreSQL store, then a Redis store: every scenario runs on both."""
    return await store_factory()
