"""An independent OIDC issuer for tests, served for real over loopback HTTP.

It knows nothing of the gateway: a Starlette app with a discovery document and a
JWKS, run by uvicorn in a background thread on a free 127.0.0.1 port, plus
helpers that sign whatever a test needs, good tokens and hostile ones::

    with TestIssuer(audience="case-gateway") as issuer:
        verifier = OIDCVerifier(issuer.url, issuer.audience, client)
        token = issuer.mint("demo-obligor", scope="cases:read")
        issuer.rotate()                       # publish a new key, sign with it
        forged = issuer.sign_raw({"alg": "none"}, {"sub": "x"})

- ``url``: the issuer identifier (``http://127.0.0.1:<port>/realms/test``).
- ``mint(sub, **claims)``: a valid token signed with the current key; claims
  override the defaults, and a claim given as ``None`` is left out.
- ``rotate()`` / ``retire(kid)`` / ``unpublished_key()``: key rotation.
- ``sign_raw(header, claims, key=..., secret=...)``: exactly this header and these
  claims; ``alg: none`` and HMAC (by default keyed with the public key's PEM, the
  classic key-confusion forgery) are built by hand.
- ``requests``: how often the discovery document and the JWKS were fetched.
- ``advertised_issuer`` / ``jwks_status`` / ``jwks_hangs`` / ``jwks_trickles``:
  make the issuer misbehave (name another issuer, answer the JWKS with an error
  status, leave JWKS requests unanswered, or send the JWKS a blank at a time,
  until the flag is cleared).
- ``tamper(token)``: the token with one payload character changed;
  ``ManualClock``: a clock to pass as the verifier's ``monotonic``.
- ``reset()``: undo all of the above, to share one running issuer between tests
  (starting one costs a key pair and a server, about 0.3 s).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import uvicorn
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import Key, generate_key
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

DEFAULT_ALGS = {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}
_HMAC_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384}
_STARTUP_SECONDS = 10.0


class TestIssuer:
    """A real issuer on loopback HTTP; use it as a context manager."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(
        self, audience: str = "case-gateway", *, path: str = "/realms/test"
    ) -> None:
        self.audience = audience
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}{path}"
        self._first_key = self.unpublished_key()
        #: Published keys, private halves included; the last one signs.
        self.keys: list[Key] = [self._first_key]
        #: Fetch counts by document: "discovery", "jwks".
        self.requests: Counter[str] = Counter()
        #: The ``issuer`` the discovery document claims (None: the real one).
        self.advertised_issuer: str | None = None
        #: The status the JWKS answers with; anything but 200 sends an error body.
        self.jwks_status = 200
        #: While set, JWKS requests get no answer (they are answered once it
        #: is cleared, as a server that froze and came back would).
        self.jwks_hangs = False
        #: While set, the JWKS answers 200 and then sends a blank now and
        #: then, never finishing (each read completes in time: a slow-loris).
        self.jwks_trickles = False
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- serving -------------------------------------------------------------

    def __enter__(self) -> TestIssuer:
        app = Starlette(
            routes=[
                Route(
                    f"{self._path}/.well-known/openid-configuration", self._discovery
                ),
                Route(f"{self._path}/jwks", self._jwks),
            ]
        )
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            log_level="warning",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the test issuer did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # hanging requests end, so the server stops
        self.jwks_hangs = self.jwks_trickles = False
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_STARTUP_SECONDS)
        self._sock.close()

    def reset(self) -> None:
        """Back to the state after start (first key only, no counts, behaving),
        so one running issuer can serve many tests."""
        self.keys = [self._first_key]
        self.requests.clear()
        self.advertised_issuer = None
        self.jwks_status = 200
        self.jwks_hangs = False
        self.jwks_trickles = False

    @property
    def _path(self) -> str:
        return "/" + self.url.split("/", 3)[3]

    async def _discovery(self, request: Request) -> JSONResponse:
        self.requests["discovery"] += 1
        return JSONResponse(self.discovery())

    async def _jwks(self, request: Request) -> Response:
        self.requests["jwks"] += 1
        # a plain flag polled: the test sets it from another thread
        while self.jwks_hangs:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        if self.jwks_trickles:
            return StreamingResponse(self._trickle(), media_type="application/json")
        if self.jwks_status != 200:
            return JSONResponse({"error": "server_error"}, self.jwks_status)
        return JSONResponse(self.jwks())

    async def _trickle(self) -> AsyncIterator[bytes]:
        while self.jwks_trickles:
            yield b" "  # blanks before a JSON document are allowed
            await asyncio.sleep(0.05)
        yield json.dumps(self.jwks()).encode()

    def discovery(self) -> dict[str, Any]:
        """The discovery document as served."""
        return {
            "issuer": self.advertised_issuer or self.url,
            "jwks_uri": f"{self.url}/jwks",
            "token_endpoint": f"{self.url}/token",
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
        }

    def jwks(self) -> dict[str, Any]:
        """The published key set: public members only."""
        return {"keys": [key.as_dict(private=False) for key in self.keys]}

    # -- keys ----------------------------------------------------------------

    @property
    def signing_key(self) -> Key:
        """The key ``mint`` signs with: the newest published one."""
        return self.keys[-1]

    @staticmethod
    def unpublished_key(kty: str = "RSA") -> Key:
        """A fresh key with a ``kid``, not (yet) in the JWKS."""
        if kty == "RSA":
            return generate_key("RSA", 2048, auto_kid=True)
        if kty == "EC":
            return generate_key("EC", "P-256", auto_kid=True)
        return generate_key("OKP", "Ed25519", auto_kid=True)

    def rotate(self, kty: str = "RSA", *, keep_old: bool = True) -> Key:
        """Publish a new key (and sign with it from now on); return it."""
        key = self.unpublished_key(kty)
        self.keys = [*self.keys, key] if keep_old else [key]
        return key

    def publish(self, key: Key) -> None:
        """Add ``key`` to the JWKS and sign with it from now on."""
        self.keys = [*self.keys, key]

    def retire(self, kid: str) -> None:
        """Remove the key ``kid`` from the JWKS."""
        self.keys = [key for key in self.keys if key.kid != kid]

    def public_pem(self, key: Key | None = None) -> bytes:
        """The PEM of a key's public half (the signing key's by default)."""
        chosen = key or self.signing_key
        pem: bytes = chosen.as_pem(private=False)  # type: ignore[union-attr]
        return pem

    # -- tokens --------------------------------------------------------------

    def claims(self, sub: str, **claims: Any) -> dict[str, Any]:
        """Valid claims for ``sub`` (a person's access token with the read
        scope), overridden by ``claims`` (``None`` drops one)."""
        now = int(time.time())
        body = {
            "iss": self.url,
            "aud": self.audience,
            "sub": sub,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            "scope": "openid cases:read cases:write",
        } | claims
        return {name: value for name, value in body.items() if value is not None}

    def mint(
        self,
        sub: str,
        *,
        key: Key | None = None,
        header: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        """A token for ``sub`` signed with ``key`` (default: the signing key), with
        ``alg`` and ``kid`` from the key unless ``header`` says otherwise."""
        key = key or self.signing_key
        head = {"typ": "at+jwt", "alg": DEFAULT_ALGS[key.key_type], "kid": key.kid}
        return self.sign_raw(head | (header or {}), self.claims(sub, **claims), key=key)

    def sign_raw(
        self,
        header: dict[str, Any],
        claims: dict[str, Any],
        *,
        key: Key | None = None,
        secret: bytes | None = None,
    ) -> str:
        """Exactly ``header`` and ``claims``, signed as ``header["alg"]`` says:
        ``none`` gets an empty signature, ``HS256``/``HS384`` an HMAC keyed with
        ``secret`` (default: the public key's PEM), anything else ``key``."""
        alg = header.get("alg")
        payload = _json(claims)
        if alg == "none" or alg in _HMAC_DIGESTS:
            signing_input = f"{_b64(_json(header))}.{_b64(payload)}"
            if alg == "none":
                return f"{signing_input}."
            digest = _HMAC_DIGESTS[str(alg)]
            mac = hmac.new(
                secret or self.public_pem(key), signing_input.encode(), digest
            )
            return f"{signing_input}.{_b64(mac.digest())}"
        registry = jws.JWSRegistry(algorithms=[str(alg)], strict_check_header=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)  # EdDSA is "deprecated"
            return jws.serialize_compact(
                header, payload, key or self.signing_key, registry=registry
            )


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ManualClock:
    """A monotonic clock that moves only when told to: pass it as the verifier's
    ``monotonic`` to step over the JWKS refresh window without sleeping."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


def tamper(token: str) -> str:
    """The token with one payload character changed (the signature no longer fits)."""
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    flipped = "A" if payload[middle] != "A" else "B"
    return f"{header}.{payload[:middle]}{flipped}{payload[middle + 1 :]}.{signature}"
