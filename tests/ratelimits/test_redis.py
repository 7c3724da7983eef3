"""The Redis store: one script a take, buckets that expire once full again."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from ratelimits.bucket import Limit
from ratelimits.redis import RedisStore
from ratelimits.store import Check
from tests.ratelimits.conftest import REDIS_URL

T = 1_900_000_000.0


@pytest.fixture
async def store(redis_prefix: str) -> AsyncIterator[RedisStore]:
    made = RedisStore.from_url(REDIS_URL, prefix=redis_prefix)
    yield made
    await made.close()


async def test_a_bucket_expires_once_it_would_be_full_again(
    store: RedisStore, redis_client: Redis, redis_prefix: str
) -> None:
    # two tokens short at one a second: full in two seconds (plus a margin)
    await store.take([Check("caller", Limit(1, 5), cost=2)])
    key = redis_prefix + "caller"
    assert 2000 < await redis_client.pttl(key) <= 3000
    bucket = await redis_client.hgetall(key)
    assert bucket[b"t"] == b"3"
    # the time of the take is the server's, in microseconds
    seconds, micros = await redis_client.time()
    assert 0 <= seconds * 1_000_000 + micros - int(bucket[b"u"]) < 5_000_000


async def test_a_refused_take_writes_nothing(
    store: RedisStore, redis_client: Redis, redis_prefix: str
) -> None:
    limit = Limit(1, 2)
    person, address = Check("person:5", limit), Check("address:10.0.0.5", Limit(1, 9))
    await store.take([person, address], now=T)
    await store.take([person, address], now=T)
    before = {
        key: await redis_client.hgetall(redis_prefix + key)
        for key in ("person:5", "address:10.0.0.5")
    }

    assert not (await store.take([person, address], now=T + 0.5)).allowed

    after = {
        key: await redis_client.hgetall(redis_prefix + key)
        for key in ("person:5", "address:10.0.0.5")
    }
    assert after == before
    assert before["address:10.0.0.5"][b"t"] == b"7"


async def test_takes_run_the_script_by_its_digest(
    store: RedisStore, redis_client: Redis
) -> None:
    async def evalsha_calls() -> int:
        stats = await redis_client.info("commandstats")
        return int(stats.get("cmdstat_evalsha", {}).get("calls", 0))

    before = await evalsha_calls()
    for _ in range(3):
        await store.take([Check("caller", Limit(1, 5))])
    # (the first one may load the script after a NOSCRIPT answer)
    assert await evalsha_calls() - before >= 3
