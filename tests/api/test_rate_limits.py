"""Request rates: token buckets per caller and per address, 429 with
Retry-After, and no way around them by sending requests in parallel."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.api import running_api
from tests.support.cases import link, obligor_with_cases
from tests.support.issuer import TestIssuer

HELP = "{ glossary { term } }"


async def test_rate_limits_answer_429_with_retry_after(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(
        engine, issuer.url, rate_limit_anonymous="0.5/3", rate_limit_address="100/100"
    ) as api:
        statuses = []
        for _ in range(5):
            response = await api.client.post("/graphql", json={"query": HELP})
            statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 429, 429]
        assert int(response.headers["retry-after"]) in (1, 2)
        assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # a parent has a bucket of their own
        async with engine.begin() as conn:
            family = await obligor_with_cases(conn, 1, payments_per_order=0)
            await link(conn, issuer.url, "parent", family.obligor_id)
        mine = await api.client.post(
            "/graphql",
            json={"query": HELP},
            headers={"authorization": f"Bearer {issuer.mint('parent')}"},
        )
        assert mine.status_code == 200


async def test_the_address_limit_holds_whoever_calls(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, 1, payments_per_order=0)
        await link(conn, issuer.url, "parent", family.obligor_id)
    token = issuer.mint("parent")
    async with running_api(engine, issuer.url, rate_limit_address="0.1/4") as api:
        answers: list[httpx.Response] = []
        for n in range(6):
            headers = {"authorization": f"Bearer {token}"} if n % 2 else {}
            answers.append(
                await api.client.post("/graphql", json={"query": HELP}, headers=headers)
            )
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]


async def test_a_parallel_burst_cannot_slip_past_the_limits(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given the default limits (anonymous: 2/s, burst 20)
    async with running_api(engine, issuer.url) as api:
        started = time.monotonic()
        answers = await asyncio.gather(
            *(api.client.post("/graphql", json={"query": HELP}) for _ in range(300))
        )
        elapsed = time.monotonic() - started
    allowed = sum(a.status_code == 200 for a in answers)
    refused = sum(a.status_code == 429 for a in answers)
    assert allowed + refused == 300
    # the shared buckets and, while they answer late, this process's own:
    # each lets at most the burst and what refilled meanwhile
    assert allowed <= 2 * (20 + 2 * elapsed) + 1, (allowed, elapsed)
