"""Request rate limits: token buckets per principal and per client address,
shared by every gateway process through PostgreSQL (the default) or Redis."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncEngine

from ratelimits.bucket import Limit
from ratelimits.callers import ANONYMOUS, KINDS, limit_kind, principal_key
from ratelimits.local import LocalStore
from ratelimits.postgres import PostgresStore
from ratelimits.redis import RedisStore
from ratelimits.store import (
    ALLOWED,
    MAX_KEY_LENGTH,
    BucketStore,
    Check,
    Decision,
)

__all__ = [
    "ALLOWED",
    "KINDS",
    "BucketStore",
    "Check",
    "Decision",
    "Limit",
    "PostgresStore",
    "RateLimiter",
    "RedisStore",
    "buckets_of",
    "limit_kind",
    "open_store",
    "principal_key",
]

log = logging.getLogger("gateway.ratelimits")

_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def open_store(
    url: str | None, engine: AsyncEngine, *, timeout_seconds: float = 0.5
) -> BucketStore:
    """The store ``url`` names: None or ``postgresql`` for the buckets in the
    database of ``engine`` (a small engine of the store's own), a
    ``redis://``, ``rediss://`` or ``unix://`` URL for a Redis server."""
    if url is None or url == "postgresql":
        return PostgresStore(engine)
    if url.startswith(_REDIS_SCHEMES):
        return RedisStore.from_url(url, timeout=timeout_seconds)
    raise ValueError("the rate-limit store is 'postgresql' or a redis:// URL")


def _key(scope: str, value: str) -> str:
    """A bucket's key; one too long for the store is replaced by its digest."""
    key = f"{scope}:{value}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return f"{scope}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"


def buckets_of(
    principal_key: str | None,
    address: str,
    kind: str,
    *,
    limits: Mapping[str, Limit],
    address_limit: Limit,
) -> list[Check]:
    """The buckets one request pays into: its caller's own under its kind's
    limit (an anonymous caller's own is its address's anonymous bucket), and
    its address's under ``address_limit``."""
    if kind not in limits:
        raise ValueError(f"unknown caller kind {kind!r}")
    if (principal_key is None) != (kind == ANONYMOUS):
        raise ValueError("only anonymous callers come without a principal key")
    if principal_key is None:
        own = Check(_key("anonymous", address), limits[ANONYMOUS])
    else:
        own = Check(_key(f"principal:{kind}", principal_key), limits[kind])
    return [own, Check(_key("address", address), address_limit)]


class RateLimiter:
    """Charges each request to its caller's bucket and its address's bucket.

    A principal is limited by the limit of its kind (``limits``, one for each
    of :data:`KINDS`) and its address by ``address_limit`` as well, so many
    principals behind one address cannot flood together. An anonymous caller
    has no bucket of its own: it is limited by address only, under the
    ``anonymous`` limit, and counts towards its address's limit too.

    A store that fails or does not answer within ``timeout_seconds`` (an
    outage, or a burst saturating the limiter's own pool) does not open the
    gate: the request is charged to buckets in this process's memory instead
    (``ratelimits.local``), so parallel requests cannot slip past the limits,
    and the failure is logged at most once every ``warn_every_seconds``.
    Limits then hold per process until the store answers again.
    """

    def __init__(
        self,
        store: BucketStore,
        *,
        limits: Mapping[str, Limit],
        address_limit: Limit,
        timeout_seconds: float = 0.5,
        warn_every_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        missing = [kind for kind in KINDS if kind not in limits]
        if missing:
            raise ValueError(f"no rate limit for {', '.join(missing)}")
        self._store = store
        self._limits = dict(limits)
        self._address_limit = address_limit
        self._timeout = timeout_seconds
        self._warn_every = warn_every_seconds
        self._clock = clock
        self._warned_at: float | None = None
        self._unreported = 0
        self._late: set[asyncio.Future[Decision]] = set()
        self._fallback = LocalStore()
        #: How long ``close`` waits for late takes to clean up.
        self._close_wait = 5.0

    def checks(self, principal_key: str | None, address: str, kind: str) -> list[Check]:
        """The buckets one request of ``kind`` is charged to."""
        return buckets_of(
            principal_key,
            address,
            kind,
            limits=self._limits,
            address_limit=self._address_limit,
        )

    async def check(
        self, principal_key: str | None, address: str, kind: str
    ) -> Decision:
        """Whether one more request may go on now (see the class's docstring)."""
        checks = self.checks(principal_key, address, kind)
        # a task of its own, left behind if late: the request never waits
        # past the timeout, whatever the store does
        take = asyncio.ensure_future(self._store.take(checks))
        try:
            done, _ = await asyncio.wait({take}, timeout=self._timeout)
        except asyncio.CancelledError:
            self._leave_behind(take)
            raise
        if not done:
            self._leave_behind(take)
            self._warn("no answer in time")
            return await self._fallback.take(checks)
        try:
            return take.result()
        except Exception as error:
            self._warn(type(error).__name__)
            return await self._fallback.take(checks)

    def _leave_behind(self, take: asyncio.Future[Decision]) -> None:
        """A late take goes on by itself (bounded by the store's own time
        limits) rather than being cancelled: cancelling asyncpg while it
        connects can leave a connection to the garbage collector."""
        self._late.add(take)
        take.add_done_callback(self._forget)

    def _forget(self, take: asyncio.Future[Decision]) -> None:
        self._late.discard(take)
        if not take.cancelled():
            take.exception()  # retrieved: it was reported when it was late

    def _warn(self, reason: str) -> None:
        """Log the failure, unless one was logged less than a period ago."""
        now = self._clock()
        if self._warned_at is not None and now - self._warned_at < self._warn_every:
            self._unreported += 1
            return
        since = f" ({self._unreported} more since)" if self._unreported else ""
        log.warning(
            "rate limits held in this process only: the store failed, %s%s",
            reason,
            since,
        )
        self._warned_at = now
        self._unreported = 0

    async def close(self) -> None:
        """Let the takes left behind finish (within a bound, then cancel
        them), then close the store."""
        if self._late:
            _, pending = await asyncio.wait(set(self._late), timeout=self._close_wait)
            for take in pending:
                take.cancel()
            if pending:
                await asyncio.wait(pending)
        await self._store.close()
        await self._fallback.close()
