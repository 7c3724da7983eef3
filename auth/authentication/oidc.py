"""Bearer-token verification for a resource server: one OIDC issuer, one audience.

Each token is checked with joserfc: an allow-listed asymmetric algorithm (read
from the header before any key lookup), a key the issuer publishes (see
``auth.authentication.jwks``), the signature, then ``iss``, ``aud``, ``exp``,
``nbf`` and ``iat``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    SecurityWarning,
)
from joserfc.jws import JWSRegistry

from auth.authentication.errors import AuthenticationError, invalid_token
from auth.authentication.jwks import ASYMMETRIC_ALGORITHMS, IssuerKeys

DEFAULT_ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
#: RFC 9068 access tokens: ``typ`` is ``at+jwt`` (the media type's short form).
DEFAULT_TOKEN_TYPES = ("at+jwt", "application/at+jwt")
MAX_TOKEN_LENGTH = 16 * 1024
#: Tokens whose signature a process remembers having checked, at most.
REMEMBERED_TOKENS = 1024
_REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp")


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """A token whose signature and registered claims have been checked."""

    issuer: str
    subject: str
    claims: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Verified:
    key: Any
    kid: str | None
    alg: str
    claims: dict[str, Any]
    token: VerifiedToken


class OIDCVerifier:
    """Verifies bearer tokens from ``issuer`` meant for ``audience``.

    ``client`` belongs to the owner (the app's lifespan), who also closes it.
    ``allow_insecure_http`` accepts a plain-http issuer that is not a loopback
    address (the demo behind a container hostname); https or loopback http is
    always accepted. ``monotonic`` is the clock for the JWKS refresh rules.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        client: httpx.AsyncClient,
        *,
        algorithms: Collection[str] = DEFAULT_ALGORITHMS,
        leeway_seconds: int = 30,
        jwks_min_refresh_seconds: float = 30.0,
        jwks_max_age_seconds: float = 3600.0,
        fetch_timeout_seconds: float = 5.0,
        allow_insecure_http: bool = False,
        token_types: Collection[str] = DEFAULT_TOKEN_TYPES,
        max_lifetime_seconds: int | None = 86400,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        refused = sorted(set(algorithms) - ASYMMETRIC_ALGORITHMS.keys())
        if refused or not algorithms:
            raise ValueError(
                f"only asymmetric signature algorithms may be allowed: {refused}"
            )
        self.issuer = issuer
        self.audience = audience
        self.algorithms = tuple(algorithms)
        self.token_types = frozenset(t.lower() for t in token_types)
        self.keys = IssuerKeys(
            issuer,
            client,
            min_refresh_seconds=jwks_min_refresh_seconds,
            max_age_seconds=jwks_max_age_seconds,
            timeout_seconds=fetch_timeout_seconds,
            allow_insecure_http=allow_insecure_http,
            monotonic=monotonic,
        )
        self._leeway = leeway_seconds
        self._max_lifetime = max_lifetime_seconds
        self._registry = JWSRegistry(
            algorithms=self.algorithms, strict_check_header=False
        )
        self._claims = jwt.JWTClaimsRegistry(
            leeway=self._leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            sub={"essential": True},
            exp={"essential": True},
        )
        #: Tokens this process verified, with the key that verified them: an
        #: app sends the same token on every request until it expires, and
        #: checking its signature again proves nothing new. The claims that
        #: depend on the time are checked on every use; a token whose key
        #: is no longer published (rotated out) is checked in full again.
        self._verified: OrderedDict[str, _Verified] = OrderedDict()

    async def verify(self, token: str) -> VerifiedToken:
        """Check ``token``; raise ``AuthenticationError`` (``invalid_token``) if it
        is not acceptable, ``IssuerUnavailableError`` if keys cannot be had."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise invalid_token("the token is too large")
        remembered = self._verified.get(token)
        if remembered is not None:
            key = await self.keys.key_for(remembered.kid, remembered.alg)
            if key is remembered.key:
                try:
                    self._check_claims(remembered.claims)
                except AuthenticationError:
                    self._verified.pop(token, None)
                    raise
                self._verified.move_to_end(token)
                return remembered.token
            self._verified.pop(token, None)
        header = _header_of(token)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.algorithms:
            raise invalid_token("the signing algorithm is not allowed")
        typ = header.get("typ")
        if not isinstance(typ, str) or typ.lower() not in self.token_types:
            # an ID token (typ JWT) or anything else that is not an access token
            raise invalid_token("the token is not an access token")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise invalid_token("the token is malformed")
        key = await self.keys.key_for(kid, alg)
        if key is None:
            raise invalid_token("the token signing key is unknown")
        try:
            with _allowing_eddsa(alg):
                decoded = jwt.decode(
                    token, key, algorithms=self.algorithms, registry=self._registry
                )
        except BadSignatureError:
            raise invalid_token("the token signature is invalid") from None
        except (JoseError, ValueError):
            raise invalid_token("the token is malformed") from None
        claims = decoded.claims
        if "nonce" in claims or "at_hash" in claims or claims.get("typ") == "ID":
            raise invalid_token("the token is not an access token")
        self._check_claims(claims)
        verified = VerifiedToken(
            issuer=claims["iss"], subject=claims["sub"], claims=MappingProxyType(claims)
        )
        self._verified[token] = _Verified(key, kid, alg, claims, verified)
        if len(self._verified) > REMEMBERED_TOKENS:
            self._verified.popitem(last=False)
        return verified

    def _check_claims(self, claims: dict[str, Any]) -> None:
        missing = [name for name in _REQUIRED_CLAIMS if claims.get(name) is None]
        if missing:
            raise invalid_token(f"the token lacks the {', '.join(missing)} claim")
        try:
            self._claims.validate(claims)
        except ExpiredTokenError:
            raise invalid_token("the token has expired") from None
        except InvalidClaimError as error:
            raise invalid_token(
                _CLAIM_PROBLEMS.get(error.claim, f"the {error.claim} claim is invalid")
            ) from None
        except JoseError:
            raise invalid_token("the token claims are invalid") from None
        self._check_lifetime(claims)

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        """A token may live at most ``max_lifetime`` seconds (``exp - iat``):
        a stolen long-lived token is worth more than a short one, so the
        gateway bounds what a provider may have been configured to issue."""
        if self._max_lifetime is None:
            return
        issued, expires = claims.get("iat"), claims["exp"]
        if not isinstance(issued, int | float) or isinstance(issued, bool):
            # RFC 9068 access tokens carry iat; without it the age is unknown
            raise invalid_token("the token lacks the iat claim")
        if expires - issued > self._max_lifetime:
            raise invalid_token("the token lives longer than allowed")


_CLAIM_PROBLEMS = {
    "nbf": "the token is not yet valid",
    "iat": "the token was issued in the future",
    "iss": "the token is from another issuer",
    "aud": "the token is meant for another audience",
}


def _header_of(token: str) -> dict[str, Any]:
    """The JOSE header, read before any key is chosen (nothing is trusted yet)."""
    segments = token.split(".")
    if len(segments) != 3 or not segments[0] or not segments[1]:
        raise invalid_token("the token is malformed")
    encoded = segments[0]
    try:
        header = json.loads(
            base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        )
    except (ValueError, binascii.Error):
        raise invalid_token("the token is malformed") from None
    if not isinstance(header, dict):
        raise invalid_token("the token is malformed")
    return header


@contextlib.contextmanager
def _allowing_eddsa(alg: str) -> Iterator[None]:
    """joserfc warns that "EdDSA" is superseded (RFC 9864); when the allow-list
    admits it anyway, that is configuration, not news for every request."""
    if alg != "EdDSA":
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        yield
