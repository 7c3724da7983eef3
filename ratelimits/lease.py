"""Tokens taken ahead: a busy caller's next few requests paid for in one take.

A take from the shared store costs a round trip and a write (PostgreSQL's
statement, or Redis's script) per request. For a bucket this process has
charged several times within the last ``window_seconds``, a take asks the
store for the request's cost plus a few tokens more, as many as the bucket
was charged in that window (at most ``most`` requests' worth, and at most a
tenth of its burst), and keeps them here for ``window_seconds``: the next
requests are paid from them, with no round trip.

The shared limits still hold across processes: every token spent was taken
from the shared bucket first, all of a request's buckets or none. What
changes, for busy buckets only:

- a token is spent up to ``window_seconds`` after it was taken, so within a
  window of ``t`` seconds a process may let through up to its tokens ahead
  more than ``burst + rate * t`` (at most a tenth of the burst);
- tokens taken ahead and left unspent when the window ends are lost: a
  caller whose requests stop pays for at most as many requests as it made in
  the window before;
- when the store refuses the cost plus the tokens ahead, the exact cost is
  asked for (two round trips near the limit; the decision is the store's).

A bucket charged once per window (a quiet caller) is always charged exactly,
one take per request, as without this module. Requests of one bucket that
arrive together wait for the one take under way for it, then pay from its
tokens, rather than each taking more. Bounded: the least recently
used buckets' entries go first.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ratelimits.store import ALLOWED, BucketStore, Check, Decision, validate

#: The share of a bucket's burst a process may hold ahead.
SHARE = 0.1


@dataclass(slots=True)
class _Bucket:
    """This process's view of one bucket: its tokens taken ahead (spendable
    until ``expires``), and its charges in the current and last window."""

    tokens: float = 0.0
    expires: float = 0.0
    window: float = 0.0
    charges: int = 0
    last_charges: int = 0
    #: A take of the store under way for this bucket.
    pending: asyncio.Future[None] | None = None


class Leases:
    """A store (``BucketStore``) that takes tokens ahead from ``store`` for
    busy buckets (see the module's docstring)."""

    def __init__(
        self,
        store: BucketStore,
        *,
        most: int = 64,
        window_seconds: float = 1.0,
        max_buckets: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.most = most
        self.window = window_seconds
        self.max_buckets = max_buckets
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    async def take(self, checks: Sequence[Check], now: float | None = None) -> Decision:
        validate(checks)
        if now is not None or self.most < 1:
            # a caller's own clock (tests): the store decides every take
            return await self.store.take(checks, now)
        buckets = [self._bucket(check.key, self._clock()) for check in checks]
        for bucket in buckets:
            bucket.charges += 1
        while True:
            at = self._clock()
            ready = [
                bucket.expires > at and bucket.tokens >= check.cost
                for check, bucket in zip(checks, buckets, strict=True)
            ]
            # a take of the store already under way for a bucket that cannot
            # pay here: wait for its tokens rather than take more
            waiting = {
                bucket.pending
                for bucket, paid in zip(buckets, ready, strict=True)
                if not paid and bucket.pending is not None
            }
            if not waiting:
                break
            await asyncio.wait(waiting)
        # spent here before any wait, given back if the store refuses
        for check, bucket, paid in zip(checks, buckets, ready, strict=True):
            if paid:
                bucket.tokens -= check.cost
        asked = [
            (check, bucket, self._ahead(check, bucket))
            for check, bucket, paid in zip(checks, buckets, ready, strict=True)
            if not paid
        ]
        if not asked:
            return ALLOWED
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for _, bucket, _ in asked:
            bucket.pending = done
        try:
            decision = await self._asked(asked)
        finally:
            for _, bucket, _ in asked:
                if bucket.pending is done:
                    bucket.pending = None
            done.set_result(None)
        if not decision.allowed:
            for check, bucket, paid in zip(checks, buckets, ready, strict=True):
                if paid:
                    bucket.tokens += check.cost
        return decision

    async def _asked(self, asked: list[tuple[Check, _Bucket, float]]) -> Decision:
        """The store's decision for the buckets not paid here: the cost and
        the tokens ahead, else the cost alone."""
        if any(ahead for _, _, ahead in asked):
            decision = await self.store.take(
                [Check(c.key, c.limit, c.cost + ahead) for c, _, ahead in asked]
            )
            if decision.allowed:
                at = self._clock()
                for _, bucket, ahead in asked:
                    if bucket.expires <= at:
                        bucket.tokens = 0.0
                    bucket.tokens += ahead
                    bucket.expires = at + self.window
                return decision
        return await self.store.take([check for check, _, _ in asked])

    def _bucket(self, key: str, at: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(window=at)
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        if at - bucket.window >= self.window:
            # a new window: the last one's charges, if it just ended
            ended = at - bucket.window < 2 * self.window
            bucket.last_charges = bucket.charges if ended else 0
            bucket.charges = 0
            bucket.window = at
        return bucket

    def _ahead(self, check: Check, bucket: _Bucket) -> float:
        """The tokens to take ahead for ``bucket``: as many requests more as
        it was charged in the last window (or so far in this one), bounded;
        none for a bucket charged once a window."""
        busy = max(bucket.last_charges, bucket.charges) - 1
        requests = min(self.most, busy, math.floor(check.limit.burst * SHARE))
        tokens = requests * check.cost
        return tokens if check.cost + tokens <= check.limit.burst else 0.0

    async def close(self) -> None:
        self._buckets.clear()
        await self.store.close()
