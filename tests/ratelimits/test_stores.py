"""Every store, PostgreSQL and Redis alike, keeps the buckets by the rule."""

from __future__ import annotations

import asyncio
import random

import pytest

from ratelimits.bucket import Limit, take
from ratelimits.store import BucketStore, Check, Decision
from tests.ratelimits.conftest import StoreFactory

#: A fixed instant (seconds since the epoch) for takes that pass ``now``.
T = 1_900_000_000.0


def assert_refused(decision: Decision, retry_after: float, key: str) -> None:
    assert not decision.allowed
    assert decision.retry_after == pytest.approx(retry_after)
    assert decision.key_refused == key


async def takes(
    store: BucketStore, checks: list[Check], n: int, now: float
) -> list[bool]:
    return [(await store.take(checks, now=now)).allowed for _ in range(n)]


async def test_the_burst_passes_then_the_next_waits_for_one_token(
    store: BucketStore,
) -> None:
    limit = Limit(2, 4)
    assert await takes(store, [Check("caller", limit)], 4, T) == [True] * 4

    refused = await store.take([Check("caller", limit)], now=T)
    assert_refused(refused, 0.5, "caller")
    assert refused.retry_after_header == "1"


async def test_tokens_come_back_with_time_and_retry_after_is_when(
    store: BucketStore,
) -> None:
    limit = Limit(2, 4)
    await takes(store, [Check("caller", limit)], 4, T)

    # 0.4 s later, 0.8 of a token: refused, for 0.1 s more
    early = await store.take([Check("caller", limit)], now=T + 0.4)
    assert not early.allowed
    assert early.retry_after == pytest.approx(0.1)
    # once that has passed, one request passes, the next does not
    assert await takes(store, [Check("caller", limit)], 2, T + 0.5) == [True, False]
    # after long enough, the bucket is full again, and no fuller
    assert await takes(store, [Check("caller", limit)], 5, T + 3600) == [True] * 4 + [
        False
    ]


async def test_a_short_real_wait_refills_by_the_store_clock(store: BucketStore) -> None:
    limit = Limit(20, 1)
    assert (await store.take([Check("caller", limit)])).allowed
    refused = await store.take([Check("caller", limit)])
    assert not refused.allowed
    assert 0 < refused.retry_after <= 0.05

    await asyncio.sleep(refused.retry_after + 0.05)
    assert (await store.take([Check("caller", limit)])).allowed


async def test_buckets_are_separate_and_costs_count(store: BucketStore) -> None:
    limit = Limit(1, 5)
    assert (await store.take([Check("a", limit, cost=5)], now=T)).allowed
    assert not (await store.take([Check("a", limit)], now=T)).allowed
    assert (await store.take([Check("b", limit, cost=4.5)], now=T)).allowed
    refused = await store.take([Check("b", limit, cost=1)], now=T)
    assert refused.retry_after == pytest.approx(0.5)


async def test_if_one_bucket_refuses_none_is_charged(store: BucketStore) -> None:
    person, address = Limit(1, 3), Limit(1, 10)
    both = [Check("person:1", person), Check("address:10.0.0.1", address)]
    # given the person's three requests, the third empties their bucket
    assert await takes(store, both, 3, T) == [True] * 3

    # when a fourth comes, it is refused by the person's bucket
    refused = await store.take(both, now=T)
    assert_refused(refused, 1.0, "person:1")

    # then the address paid for three, not four: seven left for others
    others = [Check("address:10.0.0.1", address)]
    assert await takes(store, others, 8, T) == [True] * 7 + [False]
    # and now the address refuses the person, with the longest wait named
    later = await store.take(both, now=T + 0.5)
    assert_refused(later, 0.5, "person:1")
    drained = await store.take(
        [Check("person:1", person), Check("address:10.0.0.1", Limit(0.1, 10))],
        now=T + 0.5,
    )
    assert drained.key_refused == "address:10.0.0.1"


async def test_a_store_agrees_with_the_rule_over_a_long_run(store: BucketStore) -> None:
    # a seeded run of requests of mixed costs at mixed gaps on two buckets,
    # compared with the rule itself applied to the same requests
    rng = random.Random(20261202)
    fast, slow = Limit(5, 8), Limit(0.5, 3)
    state: dict[str, tuple[float | None, float | None]] = {
        "fast": (None, None),
        "slow": (None, None),
    }
    elapsed = 0.0
    for _ in range(150):
        elapsed += rng.choice([0.0, 0.0, 0.001, 0.05, 0.2, 1.0, 3.0])
        cost = rng.choice([1.0, 1.0, 2.0, 0.5])
        keys = rng.choice([["fast"], ["slow"], ["fast", "slow"]])
        limits = {"fast": fast, "slow": slow}
        checks = [Check(key, limits[key], cost) for key in keys]

        outcomes = [take(limits[k], *state[k], elapsed, cost) for k in keys]
        decision = await store.take(checks, now=T + elapsed)

        expected = all(o.allowed for o in outcomes)
        assert decision.allowed is expected, (elapsed, keys, cost)
        if expected:
            state.update(
                {
                    k: (o.tokens, o.updated_at)
                    for k, o in zip(keys, outcomes, strict=True)
                }
            )
        else:
            assert decision.retry_after == pytest.approx(
                max(o.retry_after for o in outcomes), abs=1e-6
            )


@pytest.mark.parametrize("existing", [False, True], ids=["new bucket", "existing"])
async def test_concurrent_takes_from_several_processes_allow_exactly_the_burst(
    store_factory: StoreFactory, existing: bool
) -> None:
    # a bucket that gains nothing during the test: only the burst may pass
    limit = Limit(0.0001, 10)
    stores = [await store_factory() for _ in range(3)]
    # every connection open already, so the takes do start together
    await asyncio.gather(
        *(s.take([Check(f"warm-up:{i}", limit)]) for s in stores for i in range(4))
    )
    if existing:
        assert (await stores[0].take([Check("busy", limit, cost=2)])).allowed

    decisions = await asyncio.gather(
        *(stores[i % 3].take([Check("busy", limit)]) for i in range(60))
    )

    expected = 8 if existing else 10
    assert sum(d.allowed for d in decisions) == expected
    assert all(d.key_refused == "busy" for d in decisions if not d.allowed)


async def test_concurrent_takes_on_two_buckets_charge_both_or_neither(
    store_factory: StoreFactory,
) -> None:
    person, address = Limit(0.0001, 5), Limit(0.0001, 100)
    both = [Check("person:2", person), Check("address:10.0.0.2", address)]
    stores = [await store_factory() for _ in range(3)]
    # both buckets exist already (see the PostgreSQL store's docstring for a
    # bucket created by concurrent takes)
    assert (await stores[0].take(both)).allowed

    decisions = await asyncio.gather(*(stores[i % 3].take(both) for i in range(40)))

    assert sum(d.allowed for d in decisions) == 4
    # the address paid for the five that passed, not for the refused ones
    address_only = [Check("address:10.0.0.2", address, cost=95)]
    assert (await stores[1].take(address_only)).allowed
    assert not (await stores[2].take([Check("address:10.0.0.2", address)])).allowed


async def test_a_take_of_nothing_passes_and_a_bucket_twice_is_a_mistake(
    store: BucketStore,
) -> None:
    assert (await store.take([])).allowed
    limit = Limit(1, 5)
    with pytest.raises(ValueError, match="only once"):
        await store.take([Check("a", limit), Check("a", limit)])


def test_a_check_needs_a_sane_key_and_cost() -> None:
    limit = Limit(1, 5)
    for key in ["", "k" * 201]:
        with pytest.raises(ValueError, match="key"):
            Check(key, limit)
    for cost in [0.0, -1.0, 6.0, float("nan")]:
        with pytest.raises(ValueError, match="cost"):
            Check("k", limit, cost)


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    assert Decision(True).retry_after_header == "0"
    assert Decision(False, 0.01, "k").retry_after_header == "1"
    assert Decision(False, 1.0, "k").retry_after_header == "1"
    assert Decision(False, 1.2, "k").retry_after_header == "2"
