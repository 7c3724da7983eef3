"""Buckets in this process's memory: the limiter's fallback, never its store.

When the shared store fails or answers late (an outage, or a burst that
saturates the limiter's own pool), requests are charged here instead of being
let through unchecked: the limits then hold per process, which is looser than
shared buckets by at most the number of processes, and never open. Bounded:
the least recently used buckets go first (a forgotten bucket is a full one).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence

from ratelimits.bucket import take
from ratelimits.store import ALLOWED, Check, Decision, validate


class LocalStore:
    def __init__(self, max_buckets: int = 50_000) -> None:
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    async def take(self, checks: Sequence[Check], now: float | None = None) -> Decision:
        """Every bucket pays or none does (one event loop: no interleaving)."""
        validate(checks)
        at = time.time() if now is None else now
        outcomes = []
        for check in checks:
            held = self._buckets.get(check.key)
            tokens, updated_at = held if held is not None else (None, None)
            outcomes.append(take(check.limit, tokens, updated_at, at, check.cost))
        refused = [
            (outcome.retry_after, check.key)
            for check, outcome in zip(checks, outcomes, strict=True)
            if not outcome.allowed
        ]
        if refused:
            retry_after, key = max(refused)
            return Decision(False, retry_after, key)
        for check, outcome in zip(checks, outcomes, strict=True):
            self._buckets[check.key] = (outcome.tokens, outcome.updated_at)
            self._buckets.move_to_end(check.key)
        while len(self._buckets) > self.max_buckets:
            self._buckets.popitem(last=False)
        return ALLOWED

    async def close(self) -> None:
        self._buckets.clear()
