"""Faults the real gateway process survives: its PostgreSQL frozen or stopped
under load (requests fail fast with 503 instead of hanging, and it serves
again once the database is back, without a restart), and its issuer
unreachable at start-up (it starts, and ``/readyz`` says why it is not ready
until the issuer answers)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from db.engine import create_engine
from tests.faults.cluster import Cluster
from tests.faults.processes import gateway_process
from tests.support.cases import link
from tests.support.issuer import TestIssuer
from tests.support.notifications import reachable_party

pytestmark = pytest.mark.subprocess

VIEWER = "{ viewer { firstName } }"
CLIENTS = 8
LIMITS: dict[str, object] = {
    "db_statement_timeout_seconds": 0.5,
    "db_command_timeout_seconds": 1.0,
    "db_connect_timeout_seconds": 1.0,
    "db_pool_timeout_seconds": 1.0,
    "readyz_timeout_seconds": 1.0,
    "oidc_http_timeout_seconds": 1.0,
    "request_timeout_seconds": 10.0,
}
#: A request on a frozen database: the pre-ping's command timeout, a new
#: connection's connect timeout, and SQLAlchemy's 2 s polite close, doubled.
FROZEN_BOUND = 2 * (1.0 + 1.0 + 2.0)
#: What these tests wait for at most before calling a wait a hang.
HANG_SECONDS = 30.0


async def _link_pat(database: URL, issuer: TestIssuer) -> None:
    engine = create_engine(database, pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as conn:
            await link(conn, issuer.url, "pat", await reachable_party(conn))
    finally:
        await engine.dispose()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=HANG_SECONDS, trust_env=False) as client:
        yield client


async def viewer(
    client: httpx.AsyncClient, base_url: str, token: str
) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await client.post(
        f"{base_url}/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response, time.monotonic() - started


async def load(
    client: httpx.AsyncClient, base_url: str, token: str
) -> list[tuple[httpx.Response, float]]:
    """``CLIENTS`` requests at once."""
    return await asyncio.gather(
        *(viewer(client, base_url, token) for _ in range(CLIENTS))
    )


async def served_again(
    client: httpx.AsyncClient, base_url: str, token: str, within: float
) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        response, _ = await viewer(client, base_url, token)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.2)


def assert_unavailable(
    results: list[tuple[httpx.Response, float]], bound: float
) -> None:
    for response, seconds in results:
        assert response.status_code == 503, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "asyncpg" not in response.text
        assert "/" not in error["message"]  # no socket path, no URL
        assert seconds < bound


def assert_served(results: list[tuple[httpx.Response, float]]) -> None:
    for response, _ in results:
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"viewer": {"firstName": "Pat"}}}


async def test_a_frozen_database_fails_requests_fast_and_is_used_again_once_back(
    cluster: Cluster,
    cluster_database: URL,
    issuer: TestIssuer,
    client: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    await _link_pat(cluster_database, issuer)
    token = issuer.mint("pat")
    with gateway_process(cluster_database, issuer.url, tmp_path, LIMITS) as gateway:
        # given: the gateway serving several clients at once
        assert_served(await load(client, gateway.base_url, token))

        # when: PostgreSQL freezes while they keep sending requests
        with cluster.frozen():
            first = await load(client, gateway.base_url, token)
            second = await load(client, gateway.base_url, token)
            ready = await client.get(f"{gateway.base_url}/readyz")
            alive = await client.get(f"{gateway.base_url}/healthz")

        # then: every request ended with 503 within the bound, instead of
        # waiting as long as the freeze; alive, not ready
        assert_unavailable(first + second, FROZEN_BOUND)
        assert ready.status_code == 503
        assert alive.status_code == 200

        # and: once PostgreSQL answers again, the same process serves again
        back = await served_again(client, gateway.base_url, token, within=15.0)
        assert back.status_code == 200, back.text
        assert_served(await load(client, gateway.base_url, token))


async def test_a_stopped_database_fails_requests_fast_and_is_used_again_once_started(
    cluster: Cluster,
    cluster_database: URL,
    issuer: TestIssuer,
    client: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    await _link_pat(cluster_database, issuer)
    token = issuer.mint("pat")
    with gateway_process(cluster_database, issuer.url, tmp_path, LIMITS) as gateway:
        assert_served(await load(client, gateway.base_url, token))

        with cluster.stopped():
            down = await load(client, gateway.base_url, token)
            ready = await client.get(f"{gateway.base_url}/readyz")

        # a stopped server refuses connections: no limit needs to run out
        assert_unavailable(down, FROZEN_BOUND / 2)
        assert ready.status_code == 503
        assert ready.json()["database"] == "unreachable"
        back = await served_again(client, gateway.base_url, token, within=15.0)
        assert back.status_code == 200, back.text
        assert_served(await load(client, gateway.base_url, token))


async def test_an_issuer_unreachable_at_start_up_is_waited_for(
    cluster_database: URL, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    # given: an issuer whose port refuses connections for now
    issuer = TestIssuer()
    await _link_pat(cluster_database, issuer)
    token = issuer.mint("pat")

    # when: the gateway starts
    with gateway_process(cluster_database, issuer.url, tmp_path, LIMITS) as gateway:
        alive = await client.get(f"{gateway.base_url}/healthz")
        ready = await client.get(f"{gateway.base_url}/readyz")
        refused, seconds = await viewer(client, gateway.base_url, token)

        # and: the issuer comes up
        with issuer:
            await asyncio.sleep(2.1)  # the retry window of a gateway with no keys
            back = await served_again(client, gateway.base_url, token, within=5.0)
            ready_after = await client.get(f"{gateway.base_url}/readyz")

    # then: it started, alive but not ready, naming the issuer; a token could
    # not be judged (503, at once); then it is ready and the token accepted
    assert alive.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["issuer"] == "unreachable (no signing keys fetched yet)"
    assert ready.json()["database"] == "ok"
    assert refused.status_code == 503, refused.text
    assert seconds < 2.0
    assert back.status_code == 200, back.text
    assert ready_after.status_code == 200, ready_after.text
