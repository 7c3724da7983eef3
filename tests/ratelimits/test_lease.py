"""Tokens taken ahead (``ratelimits.lease``), on both stores: the shared
limit holds across processes, a quiet caller is charged exactly, and a
refusal spends nothing."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from ratelimits.bucket import Limit
from ratelimits.lease import Leases
from ratelimits.store import BucketStore, Check, Decision
from tests.ratelimits.conftest import StoreFactory

#: No refill within a test.
SLOW = 0.0001


class Counting:
    """A store that records the checks each take asks it for."""

    def __init__(self, store: BucketStore) -> None:
        self.store = store
        self.asked: list[list[tuple[str, float]]] = []
        self.allowed = 0

    async def take(self, checks: Sequence[Check], now: float | None = None) -> Decision:
        self.asked.append([(check.key, check.cost) for check in checks])
        decision = await self.store.take(checks, now)
        self.allowed += decision.allowed
        return decision

    async def close(self) -> None:
        await self.store.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_processes_taking_ahead_let_no_more_than_the_shared_burst_through(
    store_factory: StoreFactory,
) -> None:
    limit = Limit(SLOW, 100)
    clock = Clock()
    stores = [Counting(await store_factory()) for _ in range(3)]
    processes = [Leases(store, clock=clock) for store in stores]
    order = [processes[n % 3] for n in range(300)]
    random.Random(7).shuffle(order)
    decisions = await asyncio.gather(*(p.take([Check("busy", limit)]) for p in order))
    allowed = sum(d.allowed for d in decisions)
    paid = sum(s.allowed for s in stores)
    # never past the burst; short of it by at most what the processes hold
    # ahead (a tenth of the burst each)
    assert 100 - 3 * 10 <= allowed <= 100
    # in fewer takes of the store than requests
    assert paid < allowed / 2, paid
    # refused requests give the reason of the shared bucket
    assert {d.key_refused for d in decisions if not d.allowed} == {"busy"}


async def test_a_caller_charged_once_a_window_is_charged_exactly(
    store: BucketStore,
) -> None:
    limit = Limit(SLOW, 10)
    clock = Clock()
    counting = Counting(store)
    leases = Leases(counting, clock=clock)
    for _ in range(10):
        assert (await leases.take([Check("quiet", limit)])).allowed
        clock.now += 1.5
    assert counting.asked == [[("quiet", 1.0)]] * 10
    # and its ten tokens were its burst: the next one waits
    assert not (await leases.take([Check("quiet", limit)])).allowed


async def test_a_busy_caller_pays_several_requests_in_one_take(
    store: BucketStore,
) -> None:
    limit = Limit(SLOW, 1000)
    clock = Clock()
    counting = Counting(store)
    leases = Leases(counting, most=16, clock=clock)
    for _ in range(100):
        assert (await leases.take([Check("busy", limit)])).allowed
    costs = [cost for asked in counting.asked for _, cost in asked]
    # one request's worth, then more as the window shows it busy, up to 17
    assert costs[:3] == [1.0, 2.0, 4.0]
    assert max(costs) == 17.0
    assert sum(costs) >= 100
    assert len(counting.asked) < 15
    # the window ends and the caller stops: what was ahead is not spent
    clock.now += 5
    assert (await leases.take([Check("busy", limit)])).allowed
    assert counting.asked[-1] == [("busy", 1.0)]


async def test_a_refused_take_spends_nothing_here_either(store: BucketStore) -> None:
    clock = Clock()
    leases = Leases(store, clock=clock)
    roomy, tight = Limit(SLOW, 1000), Limit(SLOW, 1)
    for _ in range(10):
        assert (await leases.take([Check("roomy", roomy)])).allowed
    held = leases._buckets["roomy"].tokens
    assert held > 1
    assert (await leases.take([Check("tight", tight)])).allowed
    # roomy could pay from what is held here, tight cannot pay at all
    refused = await leases.take([Check("roomy", roomy), Check("tight", tight)])
    assert not refused.allowed
    assert refused.key_refused == "tight"
    assert leases._buckets["roomy"].tokens == held
