"""The token-bucket rule, as plain functions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ratelimits.bucket import TOLERANCE, Limit, Outcome, available, take

limits = st.builds(
    Limit,
    rate_per_second=st.floats(min_value=0.01, max_value=1000),
    burst=st.integers(min_value=1, max_value=50),
)
#: Gaps between requests, in seconds (many of them zero: requests at once).
gaps = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=30))
costs = st.sampled_from([1.0, 1.0, 1.0, 2.0, 0.5, 5.0])


def run(limit: Limit, requests: list[tuple[float, float]]) -> list[Outcome]:
    """Feed ``(gap, cost)`` requests to a new bucket from time 0."""
    tokens: float | None = None
    updated: float | None = None
    now = 0.0
    outcomes = []
    for gap, cost in requests:
        now += gap
        outcome = take(limit, tokens, updated, now, cost)
        tokens, updated = outcome.tokens, outcome.updated_at
        outcomes.append(outcome)
    return outcomes


def test_a_new_bucket_lets_the_burst_through_at_once_then_refuses() -> None:
    limit = Limit(2, 5)
    outcomes = run(limit, [(0.0, 1.0)] * 6)
    assert [o.allowed for o in outcomes] == [True] * 5 + [False]
    # the sixth waits for one token at two a second
    assert outcomes[-1].retry_after == pytest.approx(0.5)
    assert outcomes[-1].tokens == pytest.approx(0.0)


def test_time_refills_up_to_the_burst_only() -> None:
    limit = Limit(2, 5)
    assert available(limit, 0.0, 100.0, 101.0) == 2.0
    assert available(limit, 4.0, 100.0, 200.0) == 5.0
    assert available(limit, None, None, 100.0) == 5.0


def test_a_clock_that_went_back_adds_nothing_and_keeps_the_later_time() -> None:
    limit = Limit(2, 5)
    outcome = take(limit, 3.0, 100.0, 90.0)
    assert outcome == Outcome(True, 2.0, 100.0, 0.0)


def test_limits_are_written_rate_slash_burst() -> None:
    assert Limit.parse("2/20") == Limit(2.0, 20)
    assert Limit.parse(" 0.5/1 ") == Limit(0.5, 1)
    assert str(Limit(30, 200)) == "30/200"
    assert Limit(2, 20).seconds_to_fill == 10.0
    for bad in ["2", "2/", "/20", "a/b", "2/2.5", "0/20", "-1/20", "2/0", "nan/5"]:
        with pytest.raises(ValueError, match=r"limit is written|rate|burst"):
            Limit.parse(bad)


def test_a_limit_needs_a_positive_rate_and_a_whole_burst() -> None:
    with pytest.raises(ValueError, match="rate"):
        Limit(math.inf, 5)
    with pytest.raises(TypeError, match="whole"):
        Limit(1, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cost"):
        take(Limit(1, 5), None, None, 0.0, -1.0)


@given(limits, st.lists(st.tuples(gaps, costs), max_size=60))
def test_never_more_than_burst_plus_refill_within_any_window(
    limit: Limit, requests: list[tuple[float, float]]
) -> None:
    outcomes = run(limit, requests)
    times = []
    now = 0.0
    for gap, _ in requests:
        now += gap
        times.append(now)
    for first in range(len(requests)):
        spent = 0.0
        for last in range(first, len(requests)):
            if outcomes[last].allowed:
                spent += requests[last][1]
            elapsed = times[last] - times[first]
            bound = limit.burst + limit.rate_per_second * elapsed
            assert spent <= bound + TOLERANCE * (last - first + 1)


@given(limits, st.lists(st.tuples(gaps, costs), max_size=60))
def test_tokens_stay_within_the_bucket_and_refusals_spend_nothing(
    limit: Limit, requests: list[tuple[float, float]]
) -> None:
    tokens: float | None = None
    updated: float | None = None
    now = 0.0
    for gap, cost in requests:
        now += gap
        held = available(limit, tokens, updated, now)
        outcome = take(limit, tokens, updated, now, cost)
        assert 0 <= outcome.tokens <= limit.burst
        if outcome.allowed:
            assert outcome.retry_after == 0
            assert outcome.tokens == pytest.approx(max(0.0, held - cost))
        else:
            assert outcome.retry_after > 0
            assert outcome.tokens == held
        tokens, updated = outcome.tokens, outcome.updated_at


@given(
    limits,
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1000),
    costs,
)
def test_retry_after_is_exactly_when_the_tokens_are_there(
    limit: Limit, fill: float, start: float, cost: float
) -> None:
    # given a bucket holding a fraction of its burst, refusing a request
    tokens = fill * limit.burst
    refused = take(limit, tokens, start, start, cost)
    if refused.allowed or cost > limit.burst:
        return
    # when the same request comes back after retry_after, then it passes
    later = refused.updated_at + refused.retry_after
    assert take(limit, refused.tokens, refused.updated_at, later, cost).allowed
    # and a little earlier (a hundred-thousandth of a token), it still does not
    if limit.rate_per_second * refused.retry_after > 10 * TOLERANCE:
        early = later - 10 * TOLERANCE / limit.rate_per_second
    else:
        early = refused.updated_at
    assert not take(limit, refused.tokens, refused.updated_at, early, cost).allowed


@given(limits, costs)
def test_a_cost_over_the_burst_never_passes(limit: Limit, cost: float) -> None:
    outcome = take(limit, None, None, 0.0, limit.burst + cost)
    assert not outcome.allowed
    assert outcome.retry_after == math.inf
