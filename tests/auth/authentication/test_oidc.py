"""OIDCVerifier against an independent issuer served over loopback HTTP."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import httpx
import pytest
from joserfc import jwt

from auth.authentication import oidc
from auth.authentication.errors import AuthenticationError, IssuerUnavailableError
from auth.authentication.oidc import OIDCVerifier
from tests.support.issuer import ManualClock, TestIssuer, tamper


async def rejection(verifier: OIDCVerifier, token: str) -> AuthenticationError:
    """The error ``verify`` raises for ``token`` (failing the test if none)."""
    with pytest.raises(AuthenticationError) as caught:
        await verifier.verify(token)
    assert not isinstance(caught.value, IssuerUnavailableError)
    assert caught.value.error == "invalid_token"
    return caught.value


# -- accepted tokens -----------------------------------------------------------


async def test_a_valid_token_verifies(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    # given
    token = issuer.mint("demo-obligor", scope="openid cases:read")

    # when
    verified = await verifier.verify(token)

    # then
    assert verified.issuer == issuer.url
    assert verified.subject == "demo-obligor"
    assert verified.claims["scope"] == "openid cases:read"


async def test_an_audience_list_containing_ours_is_accepted(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = issuer.mint("s", aud=["another-api", "case-gateway"])

    verified = await verifier.verify(token)

    assert verified.subject == "s"


async def test_clock_skew_within_the_leeway_is_tolerated(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    now = int(time.time())
    token = issuer.mint("s", iat=now + 10, nbf=now + 10, exp=now - 10)

    verified = await verifier.verify(token)

    assert verified.subject == "s"


@pytest.mark.parametrize("kty", ["EC", "OKP"])
async def test_ec_and_eddsa_keys_verify(
    verifier: OIDCVerifier, issuer: TestIssuer, kty: str
) -> None:
    # given: the issuer signs with an ES256 or EdDSA key
    issuer.rotate(kty)

    # when
    verified = await verifier.verify(issuer.mint("s"))

    # then
    assert verified.subject == "s"


async def test_keys_are_fetched_once_and_cached(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    for _ in range(3):
        await verifier.verify(issuer.mint("s"))

    assert issuer.requests == {"discovery": 1, "jwks": 1}


# -- refused claims ------------------------------------------------------------


async def test_an_expired_token_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = issuer.mint("s", exp=int(time.time()) - 120)

    error = await rejection(verifier, token)

    assert error.description == "the token has expired"


async def test_a_token_without_exp_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = issuer.mint("s", exp=None)

    error = await rejection(verifier, token)

    assert error.description == "the token lacks the exp claim"


async def test_a_token_not_yet_valid_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = issuer.mint("s", nbf=int(time.time()) + 120)

    error = await rejection(verifier, token)

    assert error.description == "the token is not yet valid"


async def test_a_token_issued_in_the_future_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = issuer.mint("s", iat=int(time.time()) + 120)

    error = await rejection(verifier, token)

    assert error.description == "the token was issued in the future"


async def test_a_token_living_longer_than_allowed_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    # the default bound is a day: a token minted for a year is refused, one
    # for exactly a day is not
    now = int(time.time())
    year = issuer.mint("s", iat=now, exp=now + 365 * 86400)
    day = issuer.mint("s", iat=now, exp=now + 86400)

    error = await rejection(verifier, year)
    accepted = await verifier.verify(day)

    assert error.description == "the token lives longer than allowed"
    assert accepted.subject == "s"


async def test_a_token_without_iat_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = issuer.mint("s", iat=None)

    error = await rejection(verifier, token)

    assert error.description == "the token lacks the iat claim"


@pytest.mark.parametrize("aud", ["another-api", ["another-api", "third"]])
async def test_a_token_for_another_audience_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer, aud: object
) -> None:
    token = issuer.mint("s", aud=aud)

    error = await rejection(verifier, token)

    assert error.description == "the token is meant for another audience"


async def test_a_token_from_another_issuer_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    # given: signed with the right key but naming another issuer
    token = issuer.mint("s", iss="https://evil.example")

    error = await rejection(verifier, token)

    assert error.description == "the token is from another issuer"


# -- refused signatures and algorithms -----------------------------------------


async def test_a_tampered_token_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = tamper(issuer.mint("s"))

    error = await rejection(verifier, token)

    assert error.description == "the token signature is invalid"


async def test_a_token_signed_by_an_unpublished_key_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    # given: a key claiming the published kid, but not the published key
    impostor = issuer.unpublished_key()
    header = {"alg": "RS256", "typ": "at+jwt", "kid": issuer.signing_key.kid}
    token = issuer.sign_raw(header, issuer.claims("s"), key=impostor)

    error = await rejection(verifier, token)

    assert error.description == "the token signature is invalid"


async def test_alg_none_is_refused_before_any_key_lookup(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    token = issuer.sign_raw({"alg": "none", "typ": "JWT"}, issuer.claims("s"))

    error = await rejection(verifier, token)

    assert error.description == "the signing algorithm is not allowed"
    assert issuer.requests == {}  # refused on the header: no keys were fetched


async def test_hs256_keyed_with_the_public_key_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    # given: the key-confusion forgery, an HMAC keyed with the public key's PEM
    header = {"alg": "HS256", "typ": "JWT", "kid": issuer.signing_key.kid}
    token = issuer.sign_raw(header, issuer.claims("s"))

    error = await rejection(verifier, token)

    assert error.description == "the signing algorithm is not allowed"
    assert issuer.requests == {}


async def test_an_asymmetric_algorithm_outside_the_allow_list_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    header = {"alg": "RS512", "kid": issuer.signing_key.kid}
    token = issuer.sign_raw(header, issuer.claims("s"))

    error = await rejection(verifier, token)

    assert error.description == "the signing algorithm is not allowed"


async def test_an_algorithm_that_does_not_fit_the_key_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    # given: an ES256 header naming the RSA key's kid
    header = {"alg": "ES256", "typ": "at+jwt", "kid": issuer.signing_key.kid}
    ec_key = issuer.unpublished_key("EC")
    token = issuer.sign_raw(header, issuer.claims("s"), key=ec_key)

    error = await rejection(verifier, token)

    assert error.description == "the token signing key is unknown"


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d.e", "!!.e30.x"])
async def test_malformed_tokens_are_refused(verifier: OIDCVerifier, token: str) -> None:
    error = await rejection(verifier, token)

    assert error.description == "the token is malformed"


@pytest.mark.parametrize("alg", ["HS256", "none", "XX999"])
async def test_only_asymmetric_algorithms_may_be_allowed(
    http_client: httpx.AsyncClient, alg: str
) -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        OIDCVerifier("https://i.example", "a", http_client, algorithms=["RS256", alg])


# -- key rotation and the refresh rate limit -----------------------------------


async def test_a_rotated_key_is_picked_up_without_a_restart(
    verifier: OIDCVerifier, issuer: TestIssuer, clock: ManualClock
) -> None:
    # given: the verifier has the issuer's keys, and a token names a kid the
    # issuer has not published yet
    await verifier.verify(issuer.mint("s"))
    new_key = issuer.unpublished_key()
    clock.advance(31)
    await rejection(verifier, issuer.mint("s", key=new_key))

    # when: the issuer publishes it (and the rate-limit window has passed)
    issuer.publish(new_key)
    clock.advance(31)
    verified = await verifier.verify(issuer.mint("s", key=new_key))

    # then: the same verifier accepts it, having fetched the JWKS three times
    assert verified.subject == "s"
    assert issuer.requests == {"discovery": 1, "jwks": 3}


async def test_a_retired_key_is_still_refused_after_the_refetch(
    verifier: OIDCVerifier, issuer: TestIssuer, clock: ManualClock
) -> None:
    stranger = issuer.unpublished_key()
    clock.advance(31)

    error = await rejection(verifier, issuer.mint("s", key=stranger))

    assert error.description == "the token signing key is unknown"


async def test_unknown_kids_refetch_the_jwks_at_most_once_per_window(
    verifier: OIDCVerifier, issuer: TestIssuer, clock: ManualClock
) -> None:
    # given: keys fetched a while ago
    await verifier.verify(issuer.mint("s"))
    clock.advance(60)

    # when: two tokens with two unknown kids arrive in a row
    for _ in range(2):
        await rejection(verifier, issuer.mint("s", key=issuer.unpublished_key()))

    # then: one refetch between them
    assert issuer.requests["jwks"] == 2

    # and: once the window has passed, another unknown kid refetches again
    clock.advance(31)
    await rejection(verifier, issuer.mint("s", key=issuer.unpublished_key()))
    assert issuer.requests["jwks"] == 3


async def test_an_unknown_kid_right_after_the_first_fetch_does_not_refetch(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    await rejection(verifier, issuer.mint("s", key=issuer.unpublished_key()))

    assert issuer.requests == {"discovery": 1, "jwks": 1}


async def test_concurrent_unknown_kids_share_one_refetch(
    issuer: TestIssuer, http_client: httpx.AsyncClient
) -> None:
    # given: no rate limit at all, so only the shared in-flight fetch can help
    verifier = OIDCVerifier(
        issuer.url, issuer.audience, http_client, jwks_min_refresh_seconds=0
    )
    await verifier.verify(issuer.mint("s"))
    new_key = issuer.rotate()
    tokens = [issuer.mint("s", key=new_key) for _ in range(5)]

    # when
    results = await asyncio.gather(*(verifier.verify(t) for t in tokens))

    # then
    assert [r.subject for r in results] == ["s"] * 5
    assert issuer.requests["jwks"] == 2


async def test_stale_keys_are_refetched_after_their_max_age(
    issuer: TestIssuer, http_client: httpx.AsyncClient, clock: ManualClock
) -> None:
    # given: a verifier whose keys expire after an hour, and a retired key
    verifier = OIDCVerifier(issuer.url, issuer.audience, http_client, monotonic=clock)
    old = issuer.signing_key
    await verifier.verify(issuer.mint("s"))
    issuer.rotate(keep_old=False)

    # when: an hour passes
    clock.advance(3601)

    # then: the retired key is no longer trusted
    await rejection(verifier, issuer.mint("s", key=old))
    assert issuer.requests["jwks"] == 2


async def test_cached_keys_outlive_a_failed_refetch(
    verifier: OIDCVerifier, issuer: TestIssuer, clock: ManualClock
) -> None:
    # given: keys cached, then the issuer's JWKS starts failing
    await verifier.verify(issuer.mint("s"))
    issuer.jwks_status = 500
    clock.advance(3601)

    # when
    verified = await verifier.verify(issuer.mint("s"))

    # then: the known key still verifies
    assert verified.subject == "s"
    assert issuer.requests["jwks"] == 2


# -- the issuer misbehaving ----------------------------------------------------


async def test_a_discovery_document_naming_another_issuer_is_refused(
    verifier: OIDCVerifier, issuer: TestIssuer
) -> None:
    issuer.advertised_issuer = "https://evil.example"

    with pytest.raises(IssuerUnavailableError) as caught:
        await verifier.verify(issuer.mint("s"))

    assert caught.value.status_code == 503
    assert issuer.requests == {"discovery": 1}


async def test_an_unreachable_issuer_is_temporarily_unavailable(
    http_client: httpx.AsyncClient, issuer: TestIssuer
) -> None:
    # given: a port that is bound but not listening refuses connections
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        verifier = OIDCVerifier(
            f"http://127.0.0.1:{port}/realms/test", "case-gateway", http_client
        )

        # when
        with pytest.raises(IssuerUnavailableError) as caught:
            await verifier.verify(issuer.mint("s"))

    # then
    assert caught.value.error == "temporarily_unavailable"
    assert caught.value.description == "the identity provider is unavailable"


async def test_a_failing_jwks_is_temporarily_unavailable(
    verifier: OIDCVerifier, issuer: TestIssuer, clock: ManualClock
) -> None:
    # given
    issuer.jwks_status = 503

    # when / then: unavailable, and a retry soon after asks again
    with pytest.raises(IssuerUnavailableError):
        await verifier.verify(issuer.mint("s"))
    issuer.jwks_status = 200
    clock.advance(3)
    verified = await verifier.verify(issuer.mint("s"))

    assert verified.subject == "s"
    assert issuer.requests == {"discovery": 2, "jwks": 2}


async def test_a_plain_http_issuer_off_loopback_needs_explicit_permission(
    issuer: TestIssuer,
) -> None:
    # given: the same issuer reached as http://issuer.example (no TLS, not loopback)
    remote = "http://issuer.example/realms/test"
    issuer.advertised_issuer = remote

    async def relay(request: httpx.Request) -> httpx.Response:
        local = issuer.url.removesuffix("/realms/test")
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.get(f"{local}{request.url.raw_path.decode()}")
        return httpx.Response(answer.status_code, content=answer.content)

    token = issuer.mint("s", iss=remote)
    async with httpx.AsyncClient(transport=httpx.MockTransport(relay)) as client:
        strict = OIDCVerifier(remote, "case-gateway", client)
        lenient = OIDCVerifier(remote, "case-gateway", client, allow_insecure_http=True)

        # when / then
        with pytest.raises(IssuerUnavailableError):
            await strict.verify(token)
        assert (await lenient.verify(token)).issuer == remote


@pytest.mark.parametrize(
    ("header", "claims"),
    [
        ({"typ": "JWT"}, {}),  # an ID token's header
        ({"typ": None}, {}),  # no type at all
        ({}, {"nonce": "n-0S6_WzA2Mj"}),  # an ID token's claim
        ({}, {"at_hash": "77QmUPtjPfzWtF2AnpK9RQ"}),
        ({}, {"typ": "ID"}),  # Keycloak's ID token marker
    ],
    ids=["typ JWT", "no typ", "nonce", "at_hash", "typ claim ID"],
)
async def test_a_token_that_is_not_an_access_token_is_refused(
    verifier: OIDCVerifier,
    issuer: TestIssuer,
    header: dict[str, Any],
    claims: dict[str, Any],
) -> None:
    # given: a well-signed token from the right issuer that is an ID token
    head = {"alg": "RS256", "typ": "at+jwt", "kid": issuer.signing_key.kid} | header
    head = {name: value for name, value in head.items() if value is not None}
    token = issuer.sign_raw(head, issuer.claims("s", **claims))

    error = await rejection(verifier, token)

    assert error.description == "the token is not an access token"


async def test_accepted_token_types_are_configurable(
    http_client: httpx.AsyncClient, issuer: TestIssuer
) -> None:
    # given: a provider that types its access tokens "JWT", and a gateway
    # configured to accept that
    verifier = OIDCVerifier(
        issuer.url, issuer.audience, http_client, token_types=("at+jwt", "JWT")
    )
    token = issuer.mint("s", header={"typ": "jwt"})

    verified = await verifier.verify(token)

    assert verified.subject == "s"


# -- tokens verified before ------------------------------------------------------


async def test_a_token_seen_before_is_not_verified_again(
    verifier: OIDCVerifier, issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a token verified once
    token = issuer.mint("s")
    first = await verifier.verify(token)
    decoded = 0
    real = jwt.decode

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal decoded
        decoded += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)

    # when: it comes again, and a tampered copy of it comes
    again = await verifier.verify(token)
    await rejection(verifier, tamper(token))

    # then: the same answer without a second signature check; the copy is
    # checked (and refused)
    assert again == first
    assert decoded == 1


async def test_a_token_seen_before_still_expires(
    verifier: OIDCVerifier, issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a token verified while it was valid
    now = int(time.time())
    token = issuer.mint("s", iat=now - 60, exp=now + 60)
    await verifier.verify(token)

    # when: its expiry (and the leeway) has passed
    later = now + 60 + 31
    monkeypatch.setattr(time, "time", lambda: later)

    # then
    error = await rejection(verifier, token)
    assert error.description == "the token has expired"


async def test_a_token_seen_before_is_refused_once_its_key_is_retired(
    issuer: TestIssuer, http_client: httpx.AsyncClient, clock: ManualClock
) -> None:
    # given: a token verified with the issuer's key
    verifier = OIDCVerifier(issuer.url, issuer.audience, http_client, monotonic=clock)
    token = issuer.mint("s")
    await verifier.verify(token)

    # when: the key is retired and the keys are fetched again
    issuer.rotate(keep_old=False)
    clock.advance(3601)

    # then: the token is checked again, and refused
    error = await rejection(verifier, token)
    assert error.description == "the token signing key is unknown"


async def test_remembered_tokens_are_bounded(
    verifier: OIDCVerifier, issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oidc, "REMEMBERED_TOKENS", 3)
    for n in range(5):
        await verifier.verify(issuer.mint(f"s{n}"))
    assert len(verifier._verified) == 3
