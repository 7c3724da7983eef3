"""What a bucket store promises: several buckets taken from at once.

A request is charged to several buckets (its principal's and its address's).
Either every bucket pays or none does: a request refused by its principal's
bucket must not also drain the bucket of its address, which other people
behind the same address share. Each store says where it may fall short.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ratelimits.bucket import Limit, wait

#: The longest key a store keeps (``rate_limit_buckets.key``).
MAX_KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Check:
    """Take ``cost`` tokens from the bucket ``key``, which follows ``limit``."""

    key: str
    limit: Limit
    cost: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < len(self.key) <= MAX_KEY_LENGTH:
            raise ValueError(f"a bucket key has 1 to {MAX_KEY_LENGTH} characters")
        if not (math.isfinite(self.cost) and 0 < self.cost <= self.limit.burst):
            # a cost over the burst could never pass: refuse the mistake here
            raise ValueError("the cost must be positive and at most the burst")


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether the request may go on; if not, after how many seconds it would
    pass (every bucket would pay) and the bucket that makes it wait longest."""

    allowed: bool
    retry_after: float = 0.0
    key_refused: str | None = None

    @property
    def retry_after_header(self) -> str:
        """``Retry-After`` in whole seconds, rounded up: at least 1 when refused,
        so a client that honours it is let in."""
        if self.allowed:
            return "0"
        return str(max(1, math.ceil(self.retry_after)))


ALLOWED = Decision(allowed=True)


class BucketStore(Protocol):
    """Where the buckets live, shared by every gateway process."""

    async def take(self, checks: Sequence[Check], now: float | None = None) -> Decision:
        """Charge every check's bucket, or none if any of them refuses.

        ``now`` (seconds since the Unix epoch) replaces the store's own clock,
        for tests; by default the store's server clock is used, so processes
        whose clocks disagree still agree on the buckets."""
        ...

    async def close(self) -> None:
        """Release what the store holds (not an engine it was given)."""
        ...


def validate(checks: Sequence[Check]) -> None:
    """Refuse a take no store could do atomically: one bucket named twice."""
    keys = [check.key for check in checks]
    if len(set(keys)) != len(keys):
        raise ValueError("a bucket may appear only once in a take")


def refusal(checks: Sequence[Check], held: Sequence[float]) -> Decision:
    """The decision when not every bucket pays: wait for the slowest bucket.
    ``held`` is each check's tokens at the time of the take, in order."""
    waits = [
        wait(check.limit, tokens, check.cost)
        for check, tokens in zip(checks, held, strict=True)
    ]
    longest = max(range(len(checks)), key=lambda i: waits[i])
    return Decision(False, waits[longest], checks[longest].key)
