"""Authentication through the whole app: bad credentials get HTTP 401 with an
RFC 6750 challenge before any database query; a rotated key needs no restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.api import running_api
from tests.support.cases import link, obligor_with_cases
from tests.support.issuer import TestIssuer, tamper

VIEWER = "{ viewer { firstName } }"
SUBJECT = "parent-1"


def _expired(i: TestIssuer) -> str:
    return i.mint(SUBJECT, exp=int(time.time()) - 600, iat=int(time.time()) - 900)


def _not_yet_valid(i: TestIssuer) -> str:
    return i.mint(SUBJECT, nbf=int(time.time()) + 600)


BAD_TOKENS: dict[str, Callable[[TestIssuer], str]] = {
    "expired": _expired,
    "not yet valid": _not_yet_valid,
    "wrong audience": lambda i: i.mint(SUBJECT, aud="someone-else"),
    "wrong issuer": lambda i: i.mint(SUBJECT, iss="https://evil.example/"),
    "tampered signature": lambda i: tamper(i.mint(SUBJECT)),
    "alg none": lambda i: i.sign_raw({"alg": "none", "typ": "JWT"}, i.claims(SUBJECT)),
    "HS256 with the public key": lambda i: i.sign_raw(
        {"alg": "HS256", "typ": "JWT", "kid": i.signing_key.kid}, i.claims(SUBJECT)
    ),
    "unknown kid": lambda i: i.mint(SUBJECT, key=TestIssuer.unpublished_key()),
    "garbage": lambda i: "not-a-jwt",
    "a year long": lambda i: i.mint(
        SUBJECT, iat=int(time.time()), exp=int(time.time()) + 365 * 86400
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
async def test_bad_tokens_get_401_without_touching_the_database(
    engine: AsyncEngine, issuer: TestIssuer, case: str
) -> None:
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, 1, payments_per_order=0)
        await link(conn, issuer.url, SUBJECT, family.obligor_id)
    async with running_api(engine, issuer.url) as api:
        api.counter.reset()
        response = await api.post(VIEWER, BAD_TOKENS[case](issuer))
        assert response.status_code == 401
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith(
            'Bearer realm="case-gateway", error="invalid_token"'
        )
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "data" not in body
        assert api.counter.count == 0


async def test_no_token_gets_401_for_private_fields_but_help_is_public(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        api.counter.reset()
        refused = await api.post(VIEWER)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="case-gateway"'
        # refused before execution: a request error, without data
        assert refused.json() == {
            "errors": [
                {
                    "message": "authentication required",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ],
        }
        assert api.counter.count == 0
        # a fragment does not smuggle a private field past the gate
        sneaky = await api.post("query { ...F } fragment F on Query { viewer { id } }")
        assert sneaky.status_code == 401
        assert (await api.query("{ glossary { term } faq { question } }")) == {
            "glossary": [],
            "faq": [],
        }


async def test_rotated_key_is_accepted_without_restart(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, 1, payments_per_order=0)
        await link(conn, issuer.url, SUBJECT, family.obligor_id)
    async with running_api(
        engine, issuer.url, oidc_jwks_min_refresh_seconds=0.2
    ) as api:
        # given the gateway has cached the issuer's keys
        assert (await api.query(VIEWER, issuer.mint(SUBJECT)))["viewer"] == {
            "firstName": "Olly"
        }
        # when, past the refetch rate limit, the issuer rotates to a new key
        await asyncio.sleep(0.3)
        issuer.rotate(keep_old=False)
        # then a token signed with it works at once (one JWKS refetch)
        assert (await api.query(VIEWER, issuer.mint(SUBJECT)))["viewer"] == {
            "firstName": "Olly"
        }
        assert issuer.requests["jwks"] == 2


async def test_malformed_requests_keep_the_graphql_error_format(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        response = await api.client.post(
            "/graphql",
            content=b"{not json",
            headers={
                "content-type": "application/json",
                "accept": "application/graphql-response+json",
            },
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        syntax = (await api.post("{ glossary { ")).json()
        assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
        unknown = (await api.post("{ nothingHere }")).json()
        assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        scheme = await api.client.post(
            "/graphql", json={"query": VIEWER}, headers={"Authorization": "Basic abc"}
        )
        assert scheme.status_code == 400
        assert 'error="invalid_request"' in scheme.headers["www-authenticate"]
