"""The limiter the view asks: which buckets a request pays into, and a store
that fails or hangs letting requests through instead of holding them."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.principal import Principal, PrincipalKind
from db.engine import create_engine
from ratelimits import (
    KINDS,
    Limit,
    PostgresStore,
    RateLimiter,
    RedisStore,
    buckets_of,
    limit_kind,
    open_store,
    principal_key,
)
from ratelimits.store import BucketStore, Check

STILL = 0.0001  # a rate that refills nothing during a test

LIMITS = {
    "anonymous": Limit(STILL, 2),
    "person": Limit(STILL, 5),
    "staff": Limit(STILL, 7),
    "agency": Limit(STILL, 9),
}
ADDRESS = Limit(STILL, 4)


class Clock:
    """A monotonic clock the test moves (for the warnings' period only)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A local port that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.read()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def limiter_on(
    store: BucketStore,
    *,
    timeout_seconds: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
) -> RateLimiter:
    return RateLimiter(
        store,
        limits=LIMITS,
        address_limit=ADDRESS,
        timeout_seconds=timeout_seconds,
        clock=clock,
    )


def buckets(principal_key: str | None, address: str, kind: str) -> list[Check]:
    return buckets_of(
        principal_key, address, kind, limits=LIMITS, address_limit=ADDRESS
    )


def test_a_principal_pays_into_its_own_bucket_and_its_address() -> None:
    staff = buckets("staff:12", "192.0.2.7", "staff")
    assert [(c.key, c.limit) for c in staff] == [
        ("principal:staff:staff:12", LIMITS["staff"]),
        ("address:192.0.2.7", ADDRESS),
    ]
    anonymous = buckets(None, "2001:db8::1", "anonymous")
    assert [(c.key, c.limit) for c in anonymous] == [
        ("anonymous:2001:db8::1", LIMITS["anonymous"]),
        ("address:2001:db8::1", ADDRESS),
    ]


def test_keys_too_long_for_a_store_are_digested() -> None:
    own, address = buckets("x" * 300, "y" * 300, "person")
    assert own.key.startswith("principal:person:sha256:")
    assert address.key.startswith("address:sha256:")
    assert len(own.key) <= 200
    assert buckets("x" * 301, "y", "person")[0].key != own.key


def test_kinds_and_principal_keys_must_agree() -> None:
    with pytest.raises(ValueError, match="unknown caller kind"):
        buckets("party:1", "192.0.2.7", "robot")
    with pytest.raises(ValueError, match="only anonymous"):
        buckets(None, "192.0.2.7", "person")
    with pytest.raises(ValueError, match="only anonymous"):
        buckets("party:1", "192.0.2.7", "anonymous")


async def test_a_limiter_needs_a_limit_for_every_kind(closed_port: int) -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{closed_port}")
    with pytest.raises(ValueError, match="no rate limit for agency"):
        RateLimiter(
            store,
            limits={k: v for k, v in LIMITS.items() if k != "agency"},
            address_limit=ADDRESS,
        )
    await store.close()


def test_every_principal_has_a_kind_and_a_key_of_its_own() -> None:
    def principal(kind: PrincipalKind, id: int, subject: str = "s") -> Principal:
        return Principal(kind=kind, id=id, issuer="https://idp.test", subject=subject)

    assert limit_kind(None) == "anonymous"
    assert principal_key(None) is None
    assert limit_kind(principal(PrincipalKind.PARTY, 3)) == "person"
    assert principal_key(principal(PrincipalKind.PARTY, 3)) == "party:3"
    assert limit_kind(principal(PrincipalKind.STAFF, 3)) == "staff"
    assert principal_key(principal(PrincipalKind.STAFF, 3)) == "staff:3"
    assert limit_kind(principal(PrincipalKind.AGENCY, 3)) == "agency"
    assert principal_key(principal(PrincipalKind.AGENCY, 3)) == "agency:3"
    # unlinked logins all have id 0: each is told apart by its login, digested
    first = principal(PrincipalKind.UNLINKED, 0, "ann@example.org")
    second = principal(PrincipalKind.UNLINKED, 0, "bob@example.org")
    assert limit_kind(first) == "person"
    assert principal_key(first) != principal_key(second)
    assert "ann" not in (principal_key(first) or "")
    assert set(KINDS) == {limit_kind(None), "person", "staff", "agency"}


async def test_callers_behind_one_address_share_its_limit(engine: AsyncEngine) -> None:
    limiter = limiter_on(PostgresStore(engine))
    address = "198.51.100.1"

    async def allowed(key: str | None, kind: str, at: str = address) -> list[bool]:
        return [
            (await limiter.check(key, at, kind)).allowed,
            (await limiter.check(key, at, kind)).allowed,
            (await limiter.check(key, at, kind)).allowed,
        ]

    # anonymous callers: two at once
    assert await allowed(None, "anonymous") == [True, True, False]
    refused = await limiter.check(None, address, "anonymous")
    assert refused.key_refused == f"anonymous:{address}"
    assert refused.retry_after == pytest.approx(1 / STILL, rel=1e-3)
    # a parent at the same address: the address has room for two more
    assert await allowed("party:1", "person") == [True, True, False]
    assert (await limiter.check("party:1", address, "person")).key_refused == (
        f"address:{address}"
    )
    # the same parent elsewhere: three left of their own five
    assert await allowed("party:1", "person", "198.51.100.2") == [True, True, True]
    elsewhere = await limiter.check("party:1", "198.51.100.3", "person")
    assert elsewhere.key_refused == "principal:person:party:1"
    await limiter.close()


@pytest.mark.parametrize("kind", ["redis", "postgresql"])
async def test_a_store_that_never_answers_is_replaced_by_the_process_own_buckets(
    silent_port: int, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    engine: AsyncEngine | None = None
    store: BucketStore
    if kind == "redis":
        # no timeout of the client's own: only the limiter's can help
        store = RedisStore(Redis(host="127.0.0.1", port=silent_port))
    else:
        engine = create_engine(f"postgresql://gateway@127.0.0.1:{silent_port}/cases")
        store = PostgresStore(engine)
    limiter = limiter_on(store, timeout_seconds=0.2)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="gateway.ratelimits"):
        first = await limiter.check("party:1", "192.0.2.8", "person")
        second = await limiter.check(None, "192.0.2.8", "anonymous")

    # answered, where it would have waited for ever
    assert time.monotonic() - started < 5
    assert first.allowed
    assert second.allowed
    # and the limits still hold, in this process: the anonymous burst is 2
    third = await limiter.check(None, "192.0.2.8", "anonymous")
    fourth = await limiter.check(None, "192.0.2.8", "anonymous")
    assert third.allowed
    assert not fourth.allowed
    assert fourth.key_refused is not None
    assert fourth.key_refused.startswith("anonymous:")
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == [
        "rate limits held in this process only: the store failed, no answer in time"
    ]
    await limiter.close()
    if engine is not None:
        await engine.dispose()


async def test_a_failing_store_is_reported_once_a_period(
    closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    limiter = limiter_on(
        RedisStore.from_url(f"redis://127.0.0.1:{closed_port}"), clock=clock
    )
    with caplog.at_level(logging.WARNING, logger="gateway.ratelimits"):
        assert (await limiter.check("party:1", "192.0.2.9", "person")).allowed
        clock.now = 30
        assert (await limiter.check("party:1", "192.0.2.9", "person")).allowed
        assert (await limiter.check("party:1", "192.0.2.9", "person")).allowed
        clock.now = 61
        assert (await limiter.check("party:1", "192.0.2.9", "person")).allowed

    held = "rate limits held in this process only: the store failed"
    assert [r.getMessage() for r in caplog.records] == [
        f"{held}, ConnectionError",
        f"{held}, ConnectionError (2 more since)",
    ]
    await limiter.close()


async def test_the_store_is_postgresql_unless_a_redis_url_is_given(
    engine: AsyncEngine,
) -> None:
    assert isinstance(open_store(None, engine), PostgresStore)
    assert isinstance(open_store("postgresql", engine), PostgresStore)
    redis_store = open_store("redis://127.0.0.1:6379/0", engine)
    assert isinstance(redis_store, RedisStore)
    await redis_store.close()
    with pytest.raises(ValueError, match="redis://"):
        open_store("memcached://127.0.0.1", engine)
