"""Fixtures for the auth tests: a real test issuer, an HTTP client, a verifier."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from auth.authentication.oidc import OIDCVerifier
from tests.support.issuer import ManualClock, TestIssuer


@pytest.fixture(scope="session")
def running_issuer() -> Iterator[TestIssuer]:
    """One independent issuer served over loopback HTTP for the whole run."""
    with TestIssuer(audience="case-gateway") as running:
        yield running


@pytest.fixture
def issuer(running_issuer: TestIssuer) -> TestIssuer:
    """The test issuer, reset to its first key and zero counts for this test."""
    running_issuer.reset()
    return running_issuer


@pytest.fixture
async def http_client(issuer: TestIssuer) -> AsyncIterator[httpx.AsyncClient]:
    """The verifier's HTTP client; no proxies from the environment."""
    async with httpx.AsyncClient(trust_env=False) as client:
        yield client


@pytest.fixture
def clock() -> ManualClock:
    """A monotonic clock for the verifier that only moves when told to."""
    return ManualClock()


@pytest.fixture
def verifier(
    issuer: TestIssuer, http_client: httpx.AsyncClient, clock: ManualClock
) -> OIDCVerifier:
    """A verifier for the test issuer, its refresh window timed by ``clock``."""
    return OIDCVerifier(
        issuer.url,
        issuer.audience,
        http_client,
        jwks_min_refresh_seconds=30.0,
        monotonic=clock,
    )
