"""Real tokens from an independent OpenID Provider (panva's certified
``oidc-provider``, run by Node): a parent's token from the authorization-code
flow and a partner agency's client-credentials token, both accepted through the
gateway's discovery + JWKS path; then the provider's keys rotate and new tokens
work without restarting the gateway."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from joserfc import jws
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from tests.support import factories as f
from tests.support.api import running_api
from tests.support.independent_provider import (
    PARTNER_CLIENT_ID,
    PARTNER_CLIENT_SECRET,
    RESOURCE,
    IndependentProvider,
)

VIEWER = "{ viewer { firstName } }"
CASE = """
query Case($number: String!) {
  case(number: $number) { caseNumber }
}
"""
#: Public data: with a token, only authentication can refuse it (HTTP 401).
GLOSSARY = "{ glossary { term } }"

PARENT = "parent-interop"
CASE_NUMBER = "4200000042"
SETTINGS = {"oidc_audience": RESOURCE, "oidc_jwks_min_refresh_seconds": 0}


@pytest.fixture(scope="module")
def provider() -> Iterator[IndependentProvider]:
    with IndependentProvider() as running:
        yield running


@dataclass(frozen=True)
class People:
    """A parent linked to ``PARENT`` and the partner agency linked to ``ok-css``,
    to which case ``CASE_NUMBER`` is shared for reading."""

    first_name: str
    case_number: str


async def _people(engine: AsyncEngine, issuer: str) -> People:
    async with engine.begin() as conn:
        parent = await f.party(conn, first_name="Marisol")
        await f.add(
            conn, m.IdentityLink, issuer=issuer, subject=PARENT, party_id=parent
        )
        office = await f.agency(conn)
        worker = await f.staff(conn, office)
        case = await f.case(conn, office, worker, case_number=CASE_NUMBER)
        partner = await f.agency(
            conn,
            code="OK-CSS",
            name="Oklahoma Child Support Services",
            kind="partner_state_agency",
            state="OK",
            county=None,
        )
        await f.add(
            conn,
            m.IdentityLink,
            issuer=issuer,
            subject=PARTNER_CLIENT_ID,
            agency_id=partner,
        )
        await f.add(
            conn,
            m.PartnerCaseShare,
            agency_id=partner,
            case_id=case,
            scopes=["case:read"],
            shared_on=date(2025, 3, 1),
        )
    return People(first_name="Marisol", case_number=CASE_NUMBER)


def _kid(token: str) -> str:
    kid: str = jws.extract_compact(token.encode()).headers()["kid"]
    return kid


async def test_a_parents_token_from_the_code_flow_reads_the_viewer(
    engine: AsyncEngine, provider: IndependentProvider
) -> None:
    # given a parent linked to a subject of the provider, and the gateway trusting it
    people = await _people(engine, provider.url)
    async with running_api(engine, provider.url, **SETTINGS) as api:
        before = await provider.requests()

        # when the parent logs in at the provider and calls the gateway
        token = await provider.user_token(PARENT)
        response = await api.post(VIEWER, token)
        stranger = await api.post(VIEWER, await provider.user_token("not-linked"))

        # then the gateway read the provider's discovery document and JWKS,
        # accepted the token and answered for that parent; a valid token for a
        # person with no link may only link their account
        asked = await provider.requests() - before
        assert asked["/.well-known/openid-configuration"] >= 1
        assert asked["/jwks"] >= 1
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"viewer": {"firstName": people.first_name}}}
        assert stranger.status_code == 403, stranger.text
        assert stranger.json()["errors"][0]["extensions"]["code"] == (
            "ACCOUNT_NOT_LINKED"
        )


async def test_a_partners_client_credentials_token_reads_a_shared_case(
    engine: AsyncEngine, provider: IndependentProvider
) -> None:
    # given a partner agency linked to the provider's client, with a case shared
    people = await _people(engine, provider.url)
    async with running_api(engine, provider.url, **SETTINGS) as api:
        # when the agency calls the gateway with a client-credentials token
        token = await provider.client_token(PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET)
        data = await api.query(CASE, token, number=people.case_number)

    # then it reads the shared case
    assert data == {"case": {"caseNumber": people.case_number}}


async def test_rotated_keys_work_without_restarting_the_gateway(
    engine: AsyncEngine, provider: IndependentProvider
) -> None:
    # given a running gateway that already accepted a token signed with the
    # provider's current key
    people = await _people(engine, provider.url)
    async with running_api(engine, provider.url, **SETTINGS) as api:
        old_token = await provider.user_token(PARENT)
        assert await api.query(VIEWER, old_token) == {
            "viewer": {"firstName": people.first_name}
        }
        old_kid = _kid(old_token)

        # when the provider rotates to a new key (publishing the old one too) and
        # issues new tokens
        provider.rotate()
        user_token = await provider.user_token(PARENT)
        client_token = await provider.client_token(
            PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET
        )

        # then the new tokens carry the new key's id and the same app accepts them,
        # having fetched the new JWKS; the old token still passes while its key
        # is published
        assert _kid(user_token) == _kid(client_token) == provider.signing_kid
        assert provider.signing_kid != old_kid
        assert await api.query(VIEWER, user_token) == {
            "viewer": {"firstName": people.first_name}
        }
        partner = await api.post(GLOSSARY, client_token)
        assert partner.status_code == 200, partner.text
        assert (await provider.requests())["/jwks"] >= 1
        assert await api.query(VIEWER, old_token) == {
            "viewer": {"firstName": people.first_name}
        }
