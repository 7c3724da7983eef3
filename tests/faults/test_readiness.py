"""``/readyz`` answers within its own timeout whatever hangs, and says why the
gateway is not ready: the database unreachable or not answering, at another
revision, or the issuer's keys never fetched."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from db import migrate
from db.engine import create_engine
from tests.faults.cluster import Cluster
from tests.support.api import Api, running_api
from tests.support.issuer import TestIssuer

READYZ_SECONDS = 1.0
#: Scheduling, not waiting: what a probe may take past its timeout.
SLACK = 0.5


async def probe(api: Api) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await api.client.get("/readyz")
    return response, time.monotonic() - started


async def ready_within(api: Api, seconds: float) -> httpx.Response:
    """The first 200 from ``/readyz`` within ``seconds`` (else the last answer)."""
    deadline = time.monotonic() + seconds
    while True:
        response, _ = await probe(api)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.2)


@pytest.fixture
async def cluster_engine(cluster_database: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(cluster_database, pool_size=1, max_overflow=0)
    yield engine
    await engine.dispose()


async def test_ready_names_the_revision(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        response, _ = await probe(api)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "issuer": "ok",
        "revision": migrate.head_revision(),
    }


async def test_a_frozen_database_is_reported_within_the_timeout(
    cluster: Cluster, cluster_engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given: a ready gateway whose own database limits are far longer than
    # the probe's (it used to take 4 s for a 2 s limit)
    async with running_api(
        cluster_engine,
        issuer.url,
        readyz_timeout_seconds=READYZ_SECONDS,
        db_statement_timeout_seconds=10.0,
        db_command_timeout_seconds=12.0,
        db_connect_timeout_seconds=10.0,
    ) as api:
        assert (await probe(api))[0].status_code == 200

        # when: the database freezes, and probes keep coming, some at once
        with cluster.frozen():
            probes = [await probe(api)]
            probes += await asyncio.gather(*(probe(api) for _ in range(5)))
            probes.append(await probe(api))

        # then: every probe answered 503 within its timeout, naming the database
        for response, seconds in probes:
            assert response.status_code == 503, response.text
            assert response.json()["status"] == "unavailable"
            assert response.json()["issuer"] == "ok"
            assert response.json()["database"] in {
                "no answer within 1 s",
                "unreachable",
            }
            assert seconds < READYZ_SECONDS + SLACK

        # and: once it answers again, the gateway is ready again
        recovered = await ready_within(api, 15.0)
        assert recovered.status_code == 200, recovered.text


async def test_a_stopped_database_is_reported_as_unreachable(
    cluster: Cluster, cluster_engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(
        cluster_engine, issuer.url, readyz_timeout_seconds=READYZ_SECONDS
    ) as api:
        with cluster.stopped():
            response, seconds = await probe(api)
        recovered = await ready_within(api, 15.0)

    assert response.status_code == 503, response.text
    assert response.json()["database"] == "unreachable"
    assert seconds < READYZ_SECONDS + SLACK
    assert recovered.status_code == 200, recovered.text


async def test_a_database_at_another_revision_is_reported(
    empty_database_url: URL, issuer: TestIssuer
) -> None:
    engine = create_engine(empty_database_url, pool_size=1, max_overflow=0)
    try:
        await migrate.upgrade(engine, "0003")
        async with running_api(engine, issuer.url) as api:
            response, _ = await probe(api)
    finally:
        await engine.dispose()

    assert response.status_code == 503, response.text
    assert response.json()["database"] == f"at 0003, expected {migrate.head_revision()}"


async def test_an_issuer_unreachable_since_start_up_is_reported_until_it_answers(
    engine: AsyncEngine,
) -> None:
    # given: an issuer whose port is bound but not yet served (connections
    # are refused), and a gateway started anyway
    issuer = TestIssuer()
    async with running_api(
        engine, issuer.url, readyz_timeout_seconds=READYZ_SECONDS
    ) as api:
        health = await api.client.get("/healthz")
        response, seconds = await probe(api)
        # when: the issuer comes up
        with issuer:
            recovered = await ready_within(api, 5.0)

    # then: alive, not ready, and saying why; then ready
    assert health.status_code == 200
    assert response.status_code == 503, response.text
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "issuer": "unreachable (no signing keys fetched yet)",
        "revision": migrate.head_revision(),
    }
    assert seconds < READYZ_SECONDS + SLACK
    assert recovered.status_code == 200, recovered.text
    assert recovered.json()["issuer"] == "ok"


async def test_a_hanging_issuer_is_reported_within_the_timeout(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    issuer.jwks_hangs = True
    try:
        async with running_api(
            engine,
            issuer.url,
            readyz_timeout_seconds=READYZ_SECONDS,
            oidc_http_timeout_seconds=10.0,
        ) as api:
            response, seconds = await probe(api)
    finally:
        issuer.jwks_hangs = False

    assert response.status_code == 503, response.text
    assert response.json()["issuer"] == "no answer within 1 s"
    assert response.json()["database"] == "ok"
    assert seconds < READYZ_SECONDS + SLACK


async def test_once_keys_are_held_an_issuer_outage_does_not_make_it_unready(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # cached keys keep verifying tokens: taking the gateway out of service
    # for the issuer's outage would refuse what it can still serve
    async with running_api(engine, issuer.url) as api:
        assert (await probe(api))[0].status_code == 200
        issuer.jwks_status = 503
        response, _ = await probe(api)

    assert response.status_code == 200, response.text
