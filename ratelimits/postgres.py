"""The buckets in PostgreSQL (``rate_limit_buckets``): one statement a take.

The statement locks the request's existing buckets in key order (so two takes
never wait on each other in a cycle), reads their latest tokens, decides for
all of them by the database's clock, and writes only if every one pays.

A bucket that did not exist when the statement began but that a concurrent
take created since (the first requests of a new caller, arriving together)
cannot be locked beforehand: the statement cannot see it. It is decided as if
full, then charged from its real tokens only if they pay, so no bucket ever
lets more through than its limit. If they do not pay, the request is refused,
the buckets locked are left alone, but other buckets this same take created
keep their charge (a new bucket, one request out of its full burst). That
takes two new buckets in one take and more than ``burst`` requests creating
one of them at the same instant: a flood from that very caller.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Boolean, Float, String, column, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db import statements
from ratelimits.bucket import TOLERANCE
from ratelimits.store import ALLOWED, Check, Decision, refusal, validate

log = logging.getLogger("gateway.ratelimits")

_TAKE = text(
    """
WITH req AS (
    SELECT r.key, r.rate, r.burst, r.cost, r.ord
    FROM unnest(
        CAST(:keys AS varchar[]), CAST(:rates AS float8[]),
        CAST(:bursts AS float8[]), CAST(:costs AS float8[])
    ) WITH ORDINALITY AS r (key, rate, burst, cost, ord)
),
locked AS (
    SELECT b.key, b.tokens, b.updated_at
    FROM rate_limit_buckets AS b
    WHERE b.key = ANY (CAST(:keys AS varchar[]))
    ORDER BY b.key
    FOR UPDATE
),
clock AS (
    -- read once the locks are held, so the wait for them counts as refill
    SELECT COALESCE(to_timestamp(CAST(:now AS float8)), clock_timestamp()) AS now
    FROM (SELECT count(*) FROM locked) AS waited
),
state AS (
    SELECT req.key, req.cost, req.ord, clock.now,
        locked.key IS NOT NULL AS known,
        GREATEST(locked.updated_at, clock.now) AS at,
        CASE WHEN locked.key IS NULL THEN req.burst
        ELSE LEAST(req.burst, locked.tokens + req.rate * GREATEST(0,
            CAST(EXTRACT(EPOCH FROM clock.now - locked.updated_at) AS float8)))
        END AS held
    FROM req CROSS JOIN clock LEFT JOIN locked ON locked.key = req.key
),
verdict AS (
    SELECT bool_and(state.held >= state.cost - :tolerance) AS allowed FROM state
),
created AS (
    -- the buckets that did not exist: created, or, if a concurrent take
    -- created one meanwhile, charged from it as it is now if it pays
    INSERT INTO rate_limit_buckets AS b (key, tokens, updated_at)
    SELECT state.key, GREATEST(0, state.held - state.cost), state.now
    FROM state CROSS JOIN verdict
    WHERE verdict.allowed AND NOT state.known
    ORDER BY state.key
    ON CONFLICT (key) DO UPDATE SET (tokens, updated_at) = (
        SELECT GREATEST(0, LEAST(r.burst, b.tokens + r.rate * GREATEST(0,
                CAST(EXTRACT(EPOCH FROM EXCLUDED.updated_at - b.updated_at)
                    AS float8))) - r.cost),
            GREATEST(b.updated_at, EXCLUDED.updated_at)
        FROM req AS r WHERE r.key = EXCLUDED.key
    )
    WHERE (
        SELECT LEAST(r.burst, b.tokens + r.rate * GREATEST(0,
                CAST(EXTRACT(EPOCH FROM EXCLUDED.updated_at - b.updated_at)
                    AS float8))) >= r.cost - :tolerance
        FROM req AS r WHERE r.key = EXCLUDED.key
    )
    RETURNING b.key
),
charged AS (
    -- the buckets locked above, only once every new one has paid
    UPDATE rate_limit_buckets AS b
    SET tokens = GREATEST(0, state.held - state.cost), updated_at = state.at
    FROM state CROSS JOIN verdict
    WHERE b.key = state.key AND state.known AND verdict.allowed
        AND (SELECT count(*) FROM created)
            = (SELECT count(*) FROM state WHERE NOT state.known)
    RETURNING b.key
)
SELECT state.key, state.held, state.known, verdict.allowed,
    created.key IS NOT NULL OR charged.key IS NOT NULL AS paid
FROM state CROSS JOIN verdict
    LEFT JOIN created ON created.key = state.key
    LEFT JOIN charged ON charged.key = state.key
ORDER BY state.ord
"""
).columns(
    column("key", String),
    column("held", Float),
    column("known", Boolean),
    column("allowed", Boolean),
    column("paid", Boolean),
)

_PRUNE = text(
    """
WITH idle AS (
    SELECT key FROM rate_limit_buckets
    WHERE updated_at < clock_timestamp() - make_interval(secs => :older_than)
    LIMIT :batch
    FOR UPDATE SKIP LOCKED
)
DELETE FROM rate_limit_buckets AS b USING idle WHERE b.key = idle.key
"""
)


class PostgresStore:
    """Buckets shared through the gateway's database.

    ``engine`` should be a small engine of its own (a connection or two), so
    that rate-limit checks never wait behind queries for the main pool nor
    count among a request's statements. The store does not dispose of it.

    Idle rows are pruned by the takes themselves: at most once every
    ``prune_every_seconds`` per process, a take starts a prune in the
    background (it does not wait for it) of the rows untouched for longer than
    ``keep_idle_seconds`` or than the slowest bucket seen takes to fill up,
    whichever is longer: such a bucket is full, and a missing bucket is full.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        prune_every_seconds: float = 60.0,
        keep_idle_seconds: float = 600.0,
        prune_batch: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._prune_every = prune_every_seconds
        self._keep_idle = keep_idle_seconds
        self._prune_batch = prune_batch
        self._clock = clock
        self._next_prune = clock() + prune_every_seconds
        self._slowest_fill = 0.0
        self._pruning: asyncio.Task[int] | None = None

    @property
    def pruning(self) -> asyncio.Task[int] | None:
        """The background prune last started, if any."""
        return self._pruning

    async def take(self, checks: Sequence[Check], now: float | None = None) -> Decision:
        validate(checks)
        if not checks:
            return ALLOWED
        for check in checks:
            self._slowest_fill = max(self._slowest_fill, check.limit.seconds_to_fill)
        self._prune_if_due()
        async with self._engine.connect() as conn:
            rows = await statements.fetch(
                conn,
                _TAKE,
                {
                    "keys": [check.key for check in checks],
                    "rates": [check.limit.rate_per_second for check in checks],
                    "bursts": [float(check.limit.burst) for check in checks],
                    "costs": [check.cost for check in checks],
                    "now": now,
                    "tolerance": TOLERANCE,
                },
            )
        if not rows[0].allowed:
            return refusal(checks, [row.held for row in rows])
        for check, row in zip(checks, rows, strict=True):
            if not row.known and not row.paid:
                # created concurrently and emptied meanwhile (see the module's
                # docstring): its tokens are unknown, so wait for a full cost
                return Decision(
                    False, check.cost / check.limit.rate_per_second, check.key
                )
        return ALLOWED

    async def prune(self, older_than: float) -> int:
        """Delete the buckets untouched for ``older_than`` seconds (by the
        database's clock), in batches; return how many. Only buckets full by
        then may go: ``older_than`` must be at least the slowest limit's
        :attr:`~ratelimits.bucket.Limit.seconds_to_fill`."""
        deleted = 0
        while True:
            async with self._engine.connect() as conn:
                result = await conn.execute(
                    _PRUNE, {"older_than": older_than, "batch": self._prune_batch}
                )
            deleted += result.rowcount
            if result.rowcount < self._prune_batch:
                return deleted

    def _prune_if_due(self) -> None:
        if self._clock() < self._next_prune:
            return
        if self._pruning is not None and not self._pruning.done():
            return
        self._next_prune = self._clock() + self._prune_every
        self._pruning = asyncio.create_task(self._prune_quietly())

    async def _prune_quietly(self) -> int:
        try:
            return await self.prune(max(self._keep_idle, self._slowest_fill))
        except Exception as error:  # a failed prune is tried again next time
            log.warning(
                "rate limits: pruning idle buckets failed (%s)", type(error).__name__
            )
            return 0

    async def close(self) -> None:
        if self._pruning is not None and not self._pruning.done():
            self._pruning.cancel()
            await asyncio.wait([self._pruning])
        self._pruning = None
