"""The token bucket, as plain functions: every store applies this rule.

A bucket holds up to ``burst`` tokens and gains ``rate_per_second`` tokens a
second; a request of ``cost`` tokens passes when the bucket holds them. So no
more than ``burst + rate * elapsed`` tokens are ever spent within any window
of ``elapsed`` seconds, and a quiet caller may send ``burst`` requests at once.

A bucket nobody has used (or one forgotten after a long idle time) is full.
A refused request spends nothing. The PostgreSQL statement and the Redis script
compute the same thing; the tests hold them to this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Tokens a request may lack and still pass: absorbs the rounding of times and
#: rates, so a caller who waits exactly ``retry_after`` is let in. A millionth
#: of a request, far below anything a caller could exploit.
TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Limit:
    """``burst`` requests at once, then ``rate_per_second`` on average."""

    rate_per_second: float
    burst: int

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate_per_second) and self.rate_per_second > 0):
            raise ValueError("the rate must be a positive number")
        if isinstance(self.burst, bool) or not isinstance(self.burst, int):
            raise TypeError("the burst must be a whole number")
        if self.burst < 1:
            raise ValueError("the burst must be at least 1")

    @classmethod
    def parse(cls, text: str) -> Limit:
        """A limit written as ``rate/burst``, as settings hold it: ``"2/20"``
        is two requests a second on average, twenty at once."""
        rate, separator, burst = text.strip().partition("/")
        if not separator:
            raise ValueError(f"a limit is written rate/burst, not {text!r}")
        try:
            return cls(float(rate), int(burst))
        except ValueError as error:
            raise ValueError(f"a limit is written rate/burst, not {text!r}") from error

    @property
    def seconds_to_fill(self) -> float:
        """How long an empty bucket takes to be full again: a bucket left alone
        that long holds ``burst`` whatever it held, so it may be forgotten."""
        return self.burst / self.rate_per_second

    def __str__(self) -> str:
        return f"{self.rate_per_second:g}/{self.burst}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One take from one bucket: whether it passed, the bucket after it (tokens
    as of ``updated_at``), and how long to wait before the same take passes."""

    allowed: bool
    tokens: float
    updated_at: float
    retry_after: float


def available(
    limit: Limit, tokens: float | None, updated_at: float | None, now: float
) -> float:
    """The tokens in the bucket at ``now``: what it held plus what it gained
    since, never more than ``burst``. A clock that went back adds nothing."""
    if tokens is None or updated_at is None:
        return float(limit.burst)
    elapsed = max(0.0, now - updated_at)
    return min(float(limit.burst), tokens + limit.rate_per_second * elapsed)


def passes(held: float, cost: float) -> bool:
    """Whether ``held`` tokens pay for ``cost`` (within :data:`TOLERANCE`)."""
    return held >= cost - TOLERANCE


def wait(limit: Limit, held: float, cost: float) -> float:
    """Seconds until a bucket holding ``held`` tokens holds ``cost``: 0 when it
    already does, infinite when ``cost`` is more than the bucket can ever hold."""
    if passes(held, cost):
        return 0.0
    if cost > limit.burst:
        return math.inf
    return (cost - held) / limit.rate_per_second


def take(
    limit: Limit,
    tokens: float | None,
    updated_at: float | None,
    now: float,
    cost: float = 1.0,
) -> Outcome:
    """Take ``cost`` tokens at ``now`` from a bucket that held ``tokens`` at
    ``updated_at`` (both None for a bucket never used).

    The bucket's time never goes back (``max(updated_at, now)``): with clocks
    that disagree a little, a late writer neither refills the bucket twice over
    the same seconds nor loses the tokens already counted.
    """
    if not (math.isfinite(cost) and cost >= 0):
        raise ValueError("the cost must be a finite number, not negative")
    held = available(limit, tokens, updated_at, now)
    at = now if updated_at is None else max(updated_at, now)
    if passes(held, cost):
        return Outcome(True, max(0.0, held - cost), at, 0.0)
    return Outcome(False, held, at, wait(limit, held, cost))
