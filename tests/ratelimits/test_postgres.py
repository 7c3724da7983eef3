"""The PostgreSQL store: one statement a take, exact under concurrent takes
however they interleave, idle buckets pruned."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import create_engine
from ratelimits.bucket import Limit
from ratelimits.postgres import PostgresStore
from ratelimits.store import Check, Decision
from tests.support.counting import counting

#: Gains nothing during a test: only what is in the bucket may pass.
STILL = Limit(0.0001, 100)


@pytest.fixture
async def stores(engine: AsyncEngine) -> AsyncIterator[list[PostgresStore]]:
    """Three stores with four connections each, as three processes would be,
    every connection open already so that takes do start together."""
    engines = [create_engine(engine.url, pool_size=4, max_overflow=0) for _ in range(3)]
    made = [PostgresStore(e) for e in engines]
    await asyncio.gather(
        *(s.take([Check(f"warm-up:{i}", STILL)]) for s in made for i in range(4))
    )
    yield made
    for store, made_engine in zip(made, engines, strict=True):
        await store.close()
        await made_engine.dispose()


async def keys(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.scalars(
            text(
                "SELECT key FROM rate_limit_buckets"
                " WHERE key NOT LIKE 'warm-up:%' ORDER BY key"
            )
        )
        return list(rows)


async def tokens(engine: AsyncEngine, key: str) -> float:
    async with engine.connect() as conn:
        found = await conn.scalar(
            text("SELECT tokens FROM rate_limit_buckets WHERE key = :key"), {"key": key}
        )
    assert isinstance(found, float)
    return found


async def until_waiting_on_locks(engine: AsyncEngine, count: int) -> None:
    """Until ``count`` sessions of the test's database wait on a lock."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(10):
        while True:
            async with engine.connect() as conn:
                if await conn.scalar(query) >= count:
                    return
            await asyncio.sleep(0.01)


async def held_back(
    engine: AsyncEngine,
    stores: list[PostgresStore],
    blocker: AsyncConnection,
    checks: list[Check],
) -> list[Decision]:
    """Twelve takes started while ``blocker`` holds them back, all waiting,
    then let go at once by committing it."""
    takes = [asyncio.ensure_future(stores[i % 3].take(checks)) for i in range(12)]
    await until_waiting_on_locks(engine, 12)
    await blocker.commit()
    return await asyncio.gather(*takes)


async def test_takes_waiting_on_a_bucket_see_its_latest_tokens(
    engine: AsyncEngine, stores: list[PostgresStore]
) -> None:
    await stores[0].take([Check("busy", STILL)])
    async with engine.connect() as blocker:
        # given a take that holds the bucket and leaves four tokens in it
        await blocker.execute(
            text("SELECT * FROM rate_limit_buckets WHERE key = 'busy' FOR UPDATE")
        )
        await blocker.execute(
            text("UPDATE rate_limit_buckets SET tokens = 4 WHERE key = 'busy'")
        )
        # when twelve takes wait for it, then it ends
        decisions = await held_back(engine, stores, blocker, [Check("busy", STILL)])

    # then exactly four of them pass, not the 99 their snapshot held
    assert sum(d.allowed for d in decisions) == 4
    assert await tokens(engine, "busy") < 1


async def test_takes_racing_to_create_a_bucket_let_only_its_tokens_through(
    engine: AsyncEngine, stores: list[PostgresStore]
) -> None:
    async with engine.connect() as blocker:
        # given a concurrent take creating the bucket with three tokens left
        await blocker.execute(
            text("INSERT INTO rate_limit_buckets VALUES ('new', 3, now())")
        )
        # when twelve takes that found no bucket wait for it, then it ends
        decisions = await held_back(engine, stores, blocker, [Check("new", STILL)])

    # then each is charged from the bucket as it is: exactly three pass
    assert sum(d.allowed for d in decisions) == 3
    assert {d.key_refused for d in decisions if not d.allowed} == {"new"}
    assert await tokens(engine, "new") < 1


async def test_a_take_refused_by_a_racing_new_bucket_does_not_charge_the_others(
    engine: AsyncEngine, stores: list[PostgresStore]
) -> None:
    address = Check("address:10.0.0.3", STILL)
    await stores[0].take([address])
    async with engine.connect() as blocker:
        # given the person's first bucket being created with one token left
        await blocker.execute(
            text("INSERT INTO rate_limit_buckets VALUES ('person:3', 1, now())")
        )
        # when twelve takes of person and address wait for it
        decisions = await held_back(
            engine, stores, blocker, [Check("person:3", STILL), address]
        )

    # then one passes, the others are refused by the person's bucket
    assert sum(d.allowed for d in decisions) == 1
    assert {d.key_refused for d in decisions if not d.allowed} == {"person:3"}
    # and the address paid for the two that passed (the first take and that one)
    assert 98 <= await tokens(engine, "address:10.0.0.3") < 98.01


async def test_a_take_is_one_statement_whatever_the_buckets(
    engine: AsyncEngine,
) -> None:
    store = PostgresStore(engine)
    try:
        with counting(engine) as statements:
            checks = [Check("person:4", Limit(1, 1)), Check("address:10.0.0.4", STILL)]
            assert (await store.take(checks)).allowed  # both new
            assert not (await store.take(checks)).allowed  # refused
            assert (await store.take(checks[1:])).allowed  # one existing
    finally:
        await store.close()
    assert len(statements) == 3


async def test_prune_deletes_buckets_idle_for_longer_than_asked(
    engine: AsyncEngine,
) -> None:
    store = PostgresStore(engine, prune_batch=2)
    hour_ago = time.time() - 3600
    for key in ["idle:1", "idle:2", "idle:3", "idle:4", "idle:5"]:
        await store.take([Check(key, Limit(1, 5))], now=hour_ago)
    await store.take([Check("recent", Limit(1, 5))])

    # in batches of two, until none is left
    assert await store.prune(older_than=600) == 5
    assert await keys(engine) == ["recent"]
    assert await store.prune(older_than=600) == 0
    await store.close()


class Clock:
    """A monotonic clock the test moves (for the prune's period only)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_takes_start_a_prune_once_a_period_in_the_background(
    engine: AsyncEngine,
) -> None:
    clock = Clock()
    store = PostgresStore(
        engine, prune_every_seconds=60, keep_idle_seconds=600, clock=clock
    )
    limit = Limit(1, 5)
    await store.take([Check("idle", limit)], now=time.time() - 3600)
    await store.take([Check("recent", limit)])
    assert store.pruning is None  # not due yet

    # when a minute has passed, the next take starts a prune
    clock.now = 60
    assert (await store.take([Check("recent", limit)])).allowed
    pruning = store.pruning
    assert pruning is not None
    assert await pruning == 1
    assert await keys(engine) == ["recent"]

    # and the next one only a minute later
    await store.take([Check("recent", limit)])
    assert store.pruning is pruning
    await store.close()


async def test_a_prune_keeps_buckets_slower_to_fill_than_the_idle_time(
    engine: AsyncEngine,
) -> None:
    # a bucket of one token a thousand seconds, left an hour ago with four of
    # five tokens, is not full yet: forgetting it would give away tokens
    clock = Clock()
    store = PostgresStore(
        engine, prune_every_seconds=60, keep_idle_seconds=600, clock=clock
    )
    slow = Limit(0.001, 5)
    await store.take([Check("slow", slow)], now=time.time() - 3600)
    clock.now = 60
    await store.take([Check("other", slow)])
    assert store.pruning is not None
    assert await store.pruning == 0
    assert await keys(engine) == ["other", "slow"]
    await store.close()
