"""An issuer's signing keys: discovery, the JWKS, a cache and its refresh rules.

The discovery document (``{issuer}/.well-known/openid-configuration``) must name
the configured issuer; its ``jwks_uri`` is then fetched and cached. A ``kid`` not in
the cache refetches the JWKS at most once per ``min_refresh_seconds`` (concurrent
requests share one fetch), and the cache is refreshed after ``max_age_seconds``.
Failing to read either document raises ``IssuerUnavailableError`` (answer 503);
keys already cached stay in use when a refresh fails.

A fetch (discovery and JWKS together) ends within ``timeout_seconds`` whatever
the issuer does, and runs as a task of its own that requests wait for: a
request that gives up (its deadline, a client gone) does not cancel it for the
others. So an issuer that is down or hangs costs one bounded wait per refresh
window, never a wait per request; nothing is fetched before the first token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.oidc.discovery import (  # type: ignore[import-untyped]
    OpenIDProviderMetadata,
)
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet, import_key

from auth.authentication.errors import IssuerUnavailableError

log = logging.getLogger("gateway.auth")

# Signature algorithms with a public verification key, by the key type they need.
# Never "none", never HMAC: a public key must not double as a shared secret.
ASYMMETRIC_ALGORITHMS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"), "RSA"),
        **dict.fromkeys(("ES256", "ES384", "ES512", "ES256K"), "EC"),
        **dict.fromkeys(("EdDSA", "Ed25519", "Ed448"), "OKP"),
    }
)
MAX_DOCUMENT_BYTES = 512 * 1024
# With no keys at all, a failed fetch is retried after this long (or the
# refresh interval, if shorter), so a blip at startup does not last 30 s.
FAILED_FETCH_RETRY_SECONDS = 2.0
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


class IssuerKeys:
    """The cached signing keys of ``issuer``, fetched with ``client``.

    ``allow_insecure_http`` accepts a plain-http issuer that is not a loopback
    address; https, or http to a loopback address, is always accepted.
    """

    def __init__(
        self,
        issuer: str,
        client: httpx.AsyncClient,
        *,
        min_refresh_seconds: float = 30.0,
        max_age_seconds: float = 3600.0,
        timeout_seconds: float = 5.0,
        allow_insecure_http: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self.discovery_url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
        self._client = client
        self._min_refresh = min_refresh_seconds
        self._max_age = max_age_seconds
        self._timeout = timeout_seconds
        self._allow_insecure_http = allow_insecure_http
        self._monotonic = monotonic
        self._fetching: asyncio.Task[None] | None = None
        self._jwks_uri: str | None = None
        self._keys: KeySet | None = None
        self._fetched_at = -math.inf
        self._attempted_at = -math.inf
        self._attempts = 0  # finished fetch attempts, successful or not

    async def key_for(self, kid: str | None, alg: str) -> Key | None:
        """The published key ``kid`` that fits ``alg`` (refetching the JWKS once,
        within the rate limit, if it is not cached); ``None`` if there is none."""
        keys = await self._current_keys()
        seen = self._attempts
        key = _find_key(keys, kid, alg)
        if key is None:
            key = _find_key(await self._refresh(seen), kid, alg)
        return key

    async def _current_keys(self) -> KeySet:
        keys = self._keys
        if keys is not None and self._monotonic() - self._fetched_at < self._max_age:
            return keys
        return await self._refresh(self._attempts)

    async def have_keys(self) -> bool:
        """Whether keys are cached, fetching them (within the refresh rules)
        when none are: readiness asks, so that an issuer unreachable since
        start-up shows before the first token arrives."""
        if self._keys is None:
            with contextlib.suppress(IssuerUnavailableError):
                await self._refresh(self._attempts)
        return self._keys is not None

    async def _refresh(self, seen: int) -> KeySet:
        """Fetch the JWKS again unless another request did since ``seen``, or one
        was attempted within the rate-limit window; concurrent callers share
        one fetch."""
        if self._attempts != seen:
            # Another request fetched (or failed to) since this one looked.
            return self._keys_or_unavailable()
        fetching = self._fetching
        if fetching is None:
            waited = self._monotonic() - self._attempted_at
            window = self._min_refresh
            if self._keys is None:
                window = min(window, FAILED_FETCH_RETRY_SECONDS)
            if waited < window:
                return self._keys_or_unavailable()
            self._attempted_at = self._monotonic()
            fetching = self._fetching = asyncio.create_task(self._fetch_and_keep())
        # shielded: this caller may stop waiting, the fetch goes on for the rest
        await asyncio.shield(fetching)
        return self._keys_or_unavailable()

    async def _fetch_and_keep(self) -> None:
        """One fetch, bounded by the timeout; its keys replace the cache, or
        the cache stays as it is when it fails. Never raises: the callers read
        the outcome from the cache."""
        try:
            async with asyncio.timeout(self._timeout):
                keys = await self._fetch_keys()
        except (IssuerUnavailableError, TimeoutError) as error:
            if isinstance(error, TimeoutError):
                self._jwks_uri = None
                log.warning("no keys from %s within %s s", self.issuer, self._timeout)
            if self._keys is not None:
                log.warning("keeping the cached keys of %s", self.issuer)
        except Exception:
            # a defect, not the issuer: logged, and no keys is the outcome
            log.exception("fetching the keys of %s failed", self.issuer)
        else:
            self._keys = keys
            self._fetched_at = self._monotonic()
        finally:
            # Counted once finished, so requests that arrive during the fetch
            # wait for its result instead of fetching again.
            self._attempts += 1
            self._fetching = None

    def _keys_or_unavailable(self) -> KeySet:
        if self._keys is None:
            raise IssuerUnavailableError()
        return self._keys

    async def _fetch_keys(self) -> KeySet:
        if self._jwks_uri is None:
            self._jwks_uri = self._jwks_uri_from(
                await self._get_json(self.discovery_url, "discovery document")
            )
        try:
            return _key_set_from(await self._get_json(self._jwks_uri, "JWKS"))
        except IssuerUnavailableError:
            self._jwks_uri = None  # perhaps it moved: read discovery again next time
            raise

    def _jwks_uri_from(self, document: dict[str, Any]) -> str:
        metadata = OpenIDProviderMetadata(document)
        if metadata.get("issuer") != self.issuer:
            log.error(
                "the discovery document at %s names issuer %r, expected %r",
                self.discovery_url,
                metadata.get("issuer"),
                self.issuer,
            )
            raise IssuerUnavailableError()
        jwks_uri = metadata.get("jwks_uri")
        try:
            if not isinstance(jwks_uri, str) or urlsplit(jwks_uri).scheme not in {
                "http",
                "https",
            }:
                raise ValueError('"jwks_uri" must be an http(s) URL')
            if not self._allow_insecure_http:
                metadata.validate_issuer()
                metadata.validate_jwks_uri()
        except ValueError as error:
            log.error("the discovery document at %s: %s", self.discovery_url, error)
            raise IssuerUnavailableError() from None
        return jwks_uri

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            async with self._client.stream(
                "GET",
                url,
                timeout=self._timeout,
                headers={"Accept": "application/json"},
            ) as response:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise ValueError("too large")
            if response.status_code != 200:
                raise ValueError(f"HTTP {response.status_code}")
            document = json.loads(body)
            if not isinstance(document, dict):
                raise ValueError("not a JSON object")
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
            log.warning(
                "cannot read the %s at %s: %s",
                what,
                url,
                str(error) or type(error).__name__,
            )
            raise IssuerUnavailableError() from None
        return document


def _find_key(keys: KeySet, kid: str | None, alg: str) -> Key | None:
    """The key for ``kid`` that can verify ``alg``; without a ``kid`` only an
    unambiguous key set (one key of the right type) will do."""
    kty = ASYMMETRIC_ALGORITHMS[alg]
    fitting = [k for k in keys if k.key_type == kty and k.alg in (None, alg)]
    if kid is None:
        return fitting[0] if len(fitting) == 1 else None
    return next((k for k in fitting if k.kid == kid), None)


def _key_set_from(document: dict[str, Any]) -> KeySet:
    """The signature keys of a JWKS document, public members only; symmetric,
    encryption and unreadable keys are skipped."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        log.warning("the JWKS has no keys array")
        raise IssuerUnavailableError()
    keys: list[Key] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        if entry.get("kty") not in {"RSA", "EC", "OKP"}:
            continue
        public = {k: v for k, v in entry.items() if k not in _PRIVATE_MEMBERS}
        try:
            keys.append(import_key(public))
        except (JoseError, ValueError, TypeError) as error:
            log.warning("skipping an unreadable JWKS key: %s", type(error).__name__)
    return KeySet(keys)
