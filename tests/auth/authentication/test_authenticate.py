"""Authenticator: the Authorization header -> a Principal, on a real database.

Every refusal must be decided before the database is asked anything; a valid
token costs exactly one statement.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.authentication.authenticate import Authenticator
from auth.authentication.errors import (
    AuthenticationError,
    IssuerUnavailableError,
    www_authenticate,
)
from auth.authentication.oidc import OIDCVerifier
from auth.principal import Principal, PrincipalKind
from db import models as m
from tests.support import factories
from tests.support.counting import counting as counting_statements
from tests.support.issuer import ManualClock, TestIssuer, tamper


class StatementLog:
    """SQL statements the engine sent (``tests.support.counting``)."""

    def __init__(self, statements: list[str]) -> None:
        self.statements = statements

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def authenticator(verifier: OIDCVerifier, engine: AsyncEngine) -> Authenticator:
    return Authenticator(verifier, engine)


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[StatementLog]:
    """Log the statements ``engine`` sends inside the block."""
    with counting_statements(engine) as sent:
        yield StatementLog(sent)


async def link(engine: AsyncEngine, issuer: str, subject: str, **owner: int) -> None:
    """An identity link row for (issuer, subject) -> ``owner`` (party_id=...)."""
    async with engine.begin() as conn:
        await factories.add(
            conn, m.IdentityLink, issuer=issuer, subject=subject, **owner
        )


async def a_party(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        return await factories.party(conn)


# -- anonymous and malformed headers ------------------------------------------


async def test_no_header_is_anonymous(
    authenticator: Authenticator, engine: AsyncEngine, issuer: TestIssuer
) -> None:
    with counting(engine) as statements:
        principal = await authenticator.authenticate(None)

    assert principal is None
    assert len(statements) == 0
    assert issuer.requests == {}


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer a b",
        "Bearer ä",
    ],
)
async def test_a_malformed_header_is_an_invalid_request(
    authenticator: Authenticator, engine: AsyncEngine, header: str
) -> None:
    with counting(engine) as statements, pytest.raises(AuthenticationError) as caught:
        await authenticator.authenticate(header)

    assert caught.value.error == "invalid_request"
    assert caught.value.status_code == 400
    assert len(statements) == 0


# -- refused tokens: never a database statement -------------------------------

TokenMaker = Callable[[TestIssuer], str]


def _expired(issuer: TestIssuer) -> str:
    return issuer.mint("demo-obligor", exp=int(time.time()) - 120)


def _not_yet_valid(issuer: TestIssuer) -> str:
    return issuer.mint("demo-obligor", nbf=int(time.time()) + 120)


def _issued_in_future(issuer: TestIssuer) -> str:
    return issuer.mint("demo-obligor", iat=int(time.time()) + 120)


def _wrong_audience(issuer: TestIssuer) -> str:
    return issuer.mint("demo-obligor", aud="another-api")


def _wrong_issuer(issuer: TestIssuer) -> str:
    return issuer.mint("demo-obligor", iss="https://evil.example")


def _tampered(issuer: TestIssuer) -> str:
    return tamper(issuer.mint("demo-obligor"))


def _alg_none(issuer: TestIssuer) -> str:
    return issuer.sign_raw({"alg": "none"}, issuer.claims("demo-obligor"))


def _hs256_with_public_key(issuer: TestIssuer) -> str:
    header = {"alg": "HS256", "kid": issuer.signing_key.kid}
    return issuer.sign_raw(header, issuer.claims("demo-obligor"))


def _rs512(issuer: TestIssuer) -> str:
    header = {"alg": "RS512", "kid": issuer.signing_key.kid}
    return issuer.sign_raw(header, issuer.claims("demo-obligor"))


def _unknown_kid(issuer: TestIssuer) -> str:
    return issuer.mint("demo-obligor", key=issuer.unpublished_key())


REFUSED: dict[str, tuple[TokenMaker, str]] = {
    "expired": (_expired, "the token has expired"),
    "not yet valid": (_not_yet_valid, "the token is not yet valid"),
    "issued in the future": (_issued_in_future, "the token was issued in the future"),
    "wrong audience": (_wrong_audience, "the token is meant for another audience"),
    "wrong issuer": (_wrong_issuer, "the token is from another issuer"),
    "tampered": (_tampered, "the token signature is invalid"),
    "alg none": (_alg_none, "the signing algorithm is not allowed"),
    "hs256 with the public key": (
        _hs256_with_public_key,
        "the signing algorithm is not allowed",
    ),
    "rs512 not allowed": (_rs512, "the signing algorithm is not allowed"),
    "unknown kid": (_unknown_kid, "the token signing key is unknown"),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_a_refused_token_never_reaches_the_database(
    authenticator: Authenticator,
    engine: AsyncEngine,
    issuer: TestIssuer,
    clock: ManualClock,
    case: str,
) -> None:
    # given: the subject is linked, so only the token itself can be at fault
    party_id = await a_party(engine)
    await link(engine, issuer.url, "demo-obligor", party_id=party_id)
    make, description = REFUSED[case]
    token = make(issuer)
    clock.advance(60)  # an unknown kid may refetch the JWKS

    # when
    with counting(engine) as log, pytest.raises(AuthenticationError) as caught:
        await authenticator.authenticate(f"Bearer {token}")

    # then
    assert (caught.value.error, caught.value.description) == (
        "invalid_token",
        description,
    )
    assert caught.value.status_code == 401
    assert len(log) == 0


async def test_an_unavailable_issuer_is_a_503_without_database_work(
    authenticator: Authenticator, engine: AsyncEngine, issuer: TestIssuer
) -> None:
    issuer.jwks_status = 500
    token = issuer.mint("demo-obligor")

    with (
        counting(engine) as statements,
        pytest.raises(IssuerUnavailableError) as caught,
    ):
        await authenticator.authenticate(f"Bearer {token}")

    assert caught.value.status_code == 503
    assert len(statements) == 0


# -- valid tokens: exactly one statement --------------------------------------


async def test_a_parent_token_becomes_a_party_principal(
    authenticator: Authenticator, engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given
    party_id = await a_party(engine)
    await link(engine, issuer.url, "demo-obligor", party_id=party_id)
    token = issuer.mint("demo-obligor", scope="openid profile cases:read", azp="spa")

    # when
    with counting(engine) as log:
        principal = await authenticator.authenticate(f"bearer {token}")

    # then
    assert principal == Principal(
        kind=PrincipalKind.PARTY,
        id=party_id,
        issuer=issuer.url,
        subject="demo-obligor",
        scopes=frozenset({"openid", "profile", "cases:read"}),
        client_id=None,
    )
    assert principal.is_party
    assert not principal.is_staff
    assert len(log) == 1
    assert "identity_links" in log.statements[0]


async def test_a_staff_token_becomes_a_staff_principal(
    authenticator: Authenticator, engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        office = await factories.agency(conn)
        staff_id = await factories.staff(conn, office)
    await link(engine, issuer.url, "caseworker-7", staff_id=staff_id)

    principal = await authenticator.authenticate(
        f"Bearer {issuer.mint('caseworker-7')}"
    )

    assert principal is not None
    assert (principal.kind, principal.id) == (PrincipalKind.STAFF, staff_id)
    assert principal.scopes == frozenset({"openid", "cases:read", "cases:write"})
    assert principal.agency_id == office  # the office, for rules and the audit
    assert principal.is_staff


async def test_a_client_credentials_token_becomes_an_agency_principal(
    authenticator: Authenticator, engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given: a partner agency's client, linked by its subject
    async with engine.begin() as conn:
        agency_id = await factories.agency(conn, kind="partner_state_agency")
    await link(engine, issuer.url, "partner-ok", agency_id=agency_id)
    token = issuer.mint(
        "partner-ok", client_id="partner-ok", scope="case:read pii:read"
    )

    # when
    principal = await authenticator.authenticate(f"Bearer {token}")

    # then
    assert principal is not None
    assert principal.is_agency
    assert principal.id == agency_id
    assert principal.client_id == "partner-ok"
    assert principal.has_scope("pii:read")


async def test_a_person_without_an_identity_link_is_unlinked(
    authenticator: Authenticator, engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given: the subject is linked, but for another issuer
    party_id = await a_party(engine)
    await link(engine, "https://other.example", "demo-obligor", party_id=party_id)
    token = issuer.mint("demo-obligor")

    # when
    with counting(engine) as log:
        principal = await authenticator.authenticate(f"Bearer {token}")

    # then: a login that may only link itself to a party (linkAccount)
    assert principal is not None
    assert principal.is_unlinked
    assert (principal.id, principal.subject) == (0, "demo-obligor")
    assert principal.kind is PrincipalKind.UNLINKED
    assert len(log) == 1


async def test_an_unlinked_client_acting_for_itself_is_an_unknown_subject(
    authenticator: Authenticator, engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given: a client-credentials token (the client is its own subject) that
    # no agency is linked to
    token = issuer.mint("stray-client", client_id="stray-client", scope="case:read")

    # when
    with counting(engine) as log, pytest.raises(AuthenticationError) as caught:
        await authenticator.authenticate(f"Bearer {token}")

    # then
    assert (caught.value.error, caught.value.description) == (
        "invalid_token",
        "unknown subject",
    )
    assert len(log) == 1


# -- the WWW-Authenticate challenge -------------------------------------------


def test_the_challenge_without_credentials_names_only_the_realm() -> None:
    assert www_authenticate(None) == 'Bearer realm="case-gateway"'


def test_the_challenge_for_a_refused_token_carries_the_error() -> None:
    error = AuthenticationError("invalid_token", "the token has expired")

    assert www_authenticate(error) == (
        'Bearer realm="case-gateway", error="invalid_token", '
        'error_description="the token has expired"'
    )


def test_the_challenge_never_breaks_out_of_its_quotes() -> None:
    error = AuthenticationError("invalid_request", 'bad "header"\\\r\nX: y')

    value = www_authenticate(error, realm="r")

    assert value == (
        'Bearer realm="r", error="invalid_request", '
        'error_description="bad ?header????X: y"'
    )


def test_the_challenge_leaves_out_codes_outside_rfc_6750() -> None:
    assert www_authenticate(IssuerUnavailableError()) == 'Bearer realm="case-gateway"'
