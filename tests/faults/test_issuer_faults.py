"""The issuer's JWKS endpoint failing or hanging: tokens signed by keys the
gateway already holds keep working without waiting for the issuer; a token
naming a key it does not hold gets a 401 within the fetch's own timeout, and a
flood of them costs one fetch, not one each. A JWKS that trickles (each read
in time, the whole never) is bounded too."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.authentication.oidc import OIDCVerifier
from tests.support.api import Api, running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer
from tests.support.notifications import reachable_party

VIEWER = "{ viewer { firstName } }"
FETCH_SECONDS = 1.0
#: How often a key the gateway does not hold may send it to the issuer.
REFRESH_SECONDS = 2.0
FLOOD = 20
#: Refused tokens count against the anonymous request rate; these floods are
#: about the issuer, not about that limit.
UNTHROTTLED = {"rate_limit_anonymous": "1000/1000", "rate_limit_address": "1000/1000"}


async def timed(api: Api, token: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await api.post(VIEWER, token)
    return response, time.monotonic() - started


@pytest.fixture
async def pat(engine: AsyncEngine, issuer: TestIssuer) -> str:
    """The subject of a linked parent."""
    async with engine.begin() as conn:
        await link(conn, issuer.url, "pat", await reachable_party(conn))
    return "pat"


@pytest.mark.parametrize("failure", ["hanging", "trickling", "503"])
async def test_cached_keys_keep_working_and_unknown_keys_are_refused_fast(
    engine: AsyncEngine, issuer: TestIssuer, pat: str, failure: str
) -> None:
    async with running_api(
        engine,
        issuer.url,
        oidc_http_timeout_seconds=FETCH_SECONDS,
        oidc_jwks_min_refresh_seconds=REFRESH_SECONDS,
        **UNTHROTTLED,
    ) as api:
        # given: the gateway fetched the issuer's keys once, a while ago
        assert (await api.post(VIEWER, issuer.mint(pat))).status_code == 200
        assert issuer.requests["jwks"] == 1
        await asyncio.sleep(REFRESH_SECONDS + 0.1)

        # when: the JWKS endpoint starts hanging (or failing)
        issuer.jwks_hangs = failure == "hanging"
        issuer.jwks_trickles = failure == "trickling"
        if failure == "503":
            issuer.jwks_status = 503
        try:
            stranger = issuer.unpublished_key()
            unknown = [issuer.mint(pat, key=stranger) for _ in range(FLOOD)]
            known = [issuer.mint(pat) for _ in range(FLOOD)]
            # a flood of tokens naming a key it never saw, and tokens signed by
            # the key it holds, all at once
            results = await asyncio.gather(
                *(timed(api, token) for token in [*unknown, *known])
            )
            # and: more of them right after that one refresh failed (within
            # the refresh window)
            later = await asyncio.gather(*(timed(api, token) for token in unknown))
        finally:
            issuer.jwks_hangs = issuer.jwks_trickles = False

    refused, accepted = results[:FLOOD], results[FLOOD:]
    # then: the known key still verifies, without waiting for the issuer
    assert all(r.status_code == 200 for r, _ in accepted), accepted[0][0].text
    assert max(seconds for _, seconds in accepted) < FETCH_SECONDS
    # and: the unknown key is refused with a 401 within the fetch's timeout,
    # after one shared fetch, and afterwards without any
    for response, seconds in [*refused, *later]:
        assert response.status_code == 401, response.text
        assert "signing key is unknown" in response.headers["WWW-Authenticate"]
        assert seconds < FETCH_SECONDS + 1.0
    assert max(seconds for _, seconds in later) < FETCH_SECONDS
    assert issuer.requests["jwks"] == 2


async def test_without_any_keys_a_failing_issuer_means_503_not_a_hang(
    engine: AsyncEngine, issuer: TestIssuer, pat: str
) -> None:
    # given: the gateway has no keys yet and the issuer's JWKS hangs
    issuer.jwks_hangs = True
    try:
        async with running_api(
            engine, issuer.url, oidc_http_timeout_seconds=FETCH_SECONDS, **UNTHROTTLED
        ) as api:
            # when: a flood of valid tokens arrives
            results = await asyncio.gather(
                *(timed(api, issuer.mint(pat)) for _ in range(FLOOD))
            )
            # then: each ends within the fetch timeout, as "temporarily
            # unavailable", and all of them cost one fetch
            for response, seconds in results:
                assert response.status_code == 503, response.text
                body = response.json()
                assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                assert seconds < FETCH_SECONDS + 1.0
            assert issuer.requests["jwks"] == 1

            # and: once the issuer answers again (and the short retry window
            # for a gateway without keys has passed), tokens verify
            issuer.jwks_hangs = False
            await asyncio.sleep(2.1)
            response = await api.post(VIEWER, issuer.mint(pat))
            assert response.status_code == 200, response.text
    finally:
        issuer.jwks_hangs = False


async def test_a_request_that_gives_up_does_not_cancel_the_fetch_others_wait_for(
    issuer: TestIssuer,
) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        verifier = OIDCVerifier(
            issuer.url, issuer.audience, client, fetch_timeout_seconds=5.0
        )
        # given: the first fetch of the keys is under way (the JWKS hangs)
        issuer.jwks_hangs = True
        try:
            first = asyncio.create_task(verifier.verify(issuer.mint("a")))
            second = asyncio.create_task(verifier.verify(issuer.mint("b")))
            while issuer.requests["jwks"] == 0:  # noqa: ASYNC110 (another thread)
                await asyncio.sleep(0.01)
            # when: the request that started it is cancelled (its deadline,
            # its client gone), and then the issuer answers
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
        finally:
            issuer.jwks_hangs = False
        # then: the other request gets the keys from that same fetch
        verified = await second

    assert verified.subject == "b"
    assert issuer.requests["jwks"] == 1
