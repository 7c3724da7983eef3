"""An independent OpenID Provider for interop tests: panva's certified
``oidc-provider`` (npm), run by Node as a separate process on loopback HTTP.

Nothing in it knows the gateway: the gateway finds its keys through discovery and
the JWKS like it would at any agency's provider. ``oidc_provider/provider.mjs``
configures it (clients, the resource, JWT access tokens); this module installs
the npm package, runs the process and drives the provider's real endpoints::

    with IndependentProvider() as provider:
        token = await provider.user_token("parent-1")      # code + PKCE, consent
        partner = await provider.client_token(PARTNER_CLIENT_ID, PARTNER_SECRET)
        provider.rotate()             # restart, same port, keys [new, old]
        counts = await provider.requests()   # {"/jwks": 2, ...} since (re)start

- Entering installs the package into ``oidc_provider/node_modules`` with
  ``npm ci`` when it is missing or was installed from another lock (a stamp file
  records the lock's digest; a file lock keeps concurrent runs from racing), and
  skips the test when ``node`` or ``npm`` is not on ``PATH``. It then starts
  ``node provider.mjs <port> <jwks file>`` on a free 127.0.0.1 port and waits
  for its ready line (``RuntimeError`` with the process's stderr if none comes).
- ``url``: the issuer identifier, ``http://127.0.0.1:<port>`` (no trailing ``/``).
- ``resource``: the resource indicator the tokens are for, and their ``aud``.
- ``user_token(subject, scope=...)``: the authorization-code flow with PKCE over
  HTTP: ``/auth``, the login form (any login is the subject), the consent form,
  the code from the redirect's ``Location`` (never served), then ``/token`` with
  ``resource``: a JWT access token (``typ: at+jwt``).
- ``client_token(client_id, secret, scope=...)``: client credentials with
  ``resource``; the token's ``sub`` is the client id.
- ``rotate()``: a new RSA key signs from now on; the process restarts on the same
  port publishing [new, previous], so the issuer identifier does not change.
- ``signing_kid``: the ``kid`` new tokens carry.
- Leaving stops the process group and deletes the key file.

The provider keeps everything in memory: sessions, grants and request counts
start afresh with each (re)start.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import html
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc.jwk import Key, generate_key

PACKAGE_DIR = Path(__file__).resolve().parent / "oidc_provider"
PROVIDER_SCRIPT = PACKAGE_DIR / "provider.mjs"
#: The resource indicator (and so the ``aud``) provider.mjs issues tokens for.
RESOURCE = "http://case-gateway.test/"
#: The public web client of the user flow, and where it "redirects".
WEB_CLIENT_ID = "case-portal"
REDIRECT_URI = "http://127.0.0.1:9/callback"
#: The confidential client-credentials client (a partner state agency).
PARTNER_CLIENT_ID = "ok-css"
PARTNER_CLIENT_SECRET = "ok-css-test-secret"  # provider.mjs's default

READY_LINE = "oidc-provider ready "
_STAMP = ".installed-lock.sha256"
_INSTALL_SECONDS = 600.0
_START_SECONDS = 30.0
_STOP_SECONDS = 10.0
_MAX_INTERACTION_STEPS = 10
_FORM_ACTION = re.compile(r'<form[^>]*\baction="([^"]+)"[^>]*method="post"', re.I)
_PROMPT = re.compile(r'name="prompt" value="([a-z]+)"')


class IndependentProvider:
    """``oidc-provider`` in its own Node process; use it as a context manager."""

    def __init__(self) -> None:
        self.resource = RESOURCE
        self.port = 0
        #: Private keys as published, the signing one first.
        self.keys: list[Key] = []
        self._node = ""
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._stderr: IO[str] | None = None

    @property
    def url(self) -> str:
        """The issuer identifier (and base URL)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def signing_kid(self) -> str:
        """The ``kid`` of the key tokens are signed with now."""
        kid = self.keys[0].kid
        assert kid is not None
        return kid

    # -- the process ---------------------------------------------------------

    def __enter__(self) -> IndependentProvider:
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            pytest.skip(
                "the independent OIDC provider needs Node.js: `node` and `npm` "
                "are not on PATH"
            )
        install(npm)
        self._node = node
        self._workdir = tempfile.TemporaryDirectory(prefix="oidc-provider-")
        self.port = _free_port()
        self.keys = [_new_key()]
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def rotate(self) -> Key:
        """Sign with a new RSA key from now on, publishing it and the previous one:
        the process restarts on the same port (same issuer). Returns the new key."""
        key = _new_key()
        self.keys = [key, self.keys[0]]
        self._stop()
        self._start()
        return key

    def _start(self) -> None:
        assert self._workdir is not None
        jwks_path = Path(self._workdir.name) / "jwks.json"
        jwks_path.write_text(
            json.dumps({"keys": [key.as_dict(private=True) for key in self.keys]})
        )
        self._stderr = open(  # noqa: SIM115 - kept open while the process runs
            Path(self._workdir.name) / "stderr.log", "w+", encoding="utf-8"
        )
        self._process = subprocess.Popen(
            [self._node, str(PROVIDER_SCRIPT), str(self.port), str(jwks_path)],
            cwd=PACKAGE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            start_new_session=True,  # its own process group, stopped as one
        )
        lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(
            target=_read_lines, args=(self._process.stdout, lines), daemon=True
        )
        self._reader.start()
        deadline = time.monotonic() + _START_SECONDS
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                status = self._process.poll()
                why = "did not start in time" if status is None else f"exited {status}"
                problem = f"oidc-provider on {self.url} {why}; stderr:\n{self.stderr()}"
                self._stop()
                raise RuntimeError(problem)
            if line.startswith(READY_LINE):
                return

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=_STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=_STOP_SECONDS)
            else:
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=_STOP_SECONDS)
            self._reader = None
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def stderr(self) -> str:
        """What the current process wrote to stderr so far."""
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read()

    # -- tokens --------------------------------------------------------------

    async def user_token(
        self, subject: str, *, scope: str = "openid cases:read"
    ) -> str:
        """An access token for ``subject`` from the authorization-code flow with
        PKCE, logging in and consenting through the provider's own forms."""
        verifier = secrets.token_urlsafe(48)
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        state = secrets.token_urlsafe(16)
        async with self._client() as client:
            response = await client.get(
                "/auth",
                params={
                    "client_id": WEB_CLIENT_ID,
                    "response_type": "code",
                    "redirect_uri": REDIRECT_URI,
                    "scope": scope,
                    "state": state,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                    "resource": self.resource,
                },
            )
            code = await self._interact(client, response, subject, state)
            response = await client.post(
                "/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT_URI,
                    "client_id": WEB_CLIENT_ID,
                    "code_verifier": verifier,
                    "resource": self.resource,
                },
            )
        return _access_token(response)

    async def client_token(
        self, client_id: str, secret: str, *, scope: str = "case:read"
    ) -> str:
        """An access token for ``client_id`` from the client-credentials grant."""
        async with self._client() as client:
            response = await client.post(
                "/token",
                auth=(client_id, secret),
                data={
                    "grant_type": "client_credentials",
                    "scope": scope,
                    "resource": self.resource,
                },
            )
        return _access_token(response)

    async def requests(self) -> Counter[str]:
        """How often each path was requested since the process (re)started."""
        async with self._client() as client:
            response = await client.get("/_test/requests")
        response.raise_for_status()
        return Counter({str(k): int(v) for k, v in response.json().items()})

    def _client(self) -> httpx.AsyncClient:
        """A fresh client (and cookie jar: a browser of its own) per flow."""
        return httpx.AsyncClient(base_url=self.url, timeout=10.0)

    async def _interact(
        self,
        client: httpx.AsyncClient,
        response: httpx.Response,
        subject: str,
        state: str,
    ) -> str:
        """Follow redirects and answer the login and consent forms until the
        provider redirects to the client; return the authorization code."""
        for _ in range(_MAX_INTERACTION_STEPS):
            if response.is_redirect:
                location = response.headers["location"]
                if location.startswith(REDIRECT_URI):
                    return _code_from(location, state, self.url)
                response = await client.get(location)
                continue
            if response.status_code != 200:
                raise RuntimeError(
                    f"oidc-provider answered {response.status_code}: {response.text}"
                )
            action, prompt = _form_of(response.text)
            form = {"prompt": prompt}
            if prompt == "login":
                form |= {"login": subject, "password": "any"}
            response = await client.post(action, data=form)
        raise RuntimeError("oidc-provider never redirected back to the client")


def install(npm: str) -> None:
    """``npm ci`` the provider's package unless node_modules already holds what
    ``package-lock.json`` says (as recorded by a stamp after the last install)."""
    lock = PACKAGE_DIR / "package-lock.json"
    stamp = PACKAGE_DIR / "node_modules" / _STAMP
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    with lock.open("rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another test run may be installing
        try:
            if stamp.is_file() and stamp.read_text() == digest:
                return
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=PACKAGE_DIR,
                capture_output=True,
                text=True,
                timeout=_INSTALL_SECONDS,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeError(
                    f"npm ci in {PACKAGE_DIR} failed ({result.returncode}):\n"
                    f"{result.stdout}{result.stderr}"
                )
            stamp.write_text(digest)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_lines(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    """Pass the process's stdout on line by line; ``None`` at its end."""
    if stream is not None:
        for line in stream:
            lines.put(line.rstrip("\n"))
    lines.put(None)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _new_key() -> Key:
    return generate_key(
        "RSA", 2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True
    )


def _form_of(page: str) -> tuple[str, str]:
    """The action and ``prompt`` of the login or consent form on ``page``."""
    action, prompt = _FORM_ACTION.search(page), _PROMPT.search(page)
    if action is None or prompt is None:
        raise RuntimeError(f"no interaction form on the provider's page:\n{page}")
    return html.unescape(action.group(1)), prompt.group(1)


def _code_from(location: str, state: str, issuer: str) -> str:
    query = {
        name: values[0] for name, values in parse_qs(urlsplit(location).query).items()
    }
    if "error" in query:
        raise RuntimeError(f"the authorization failed: {query}")
    assert query.get("state") == state, query
    assert query.get("iss") == issuer, query  # RFC 9207
    return query["code"]


def _access_token(response: httpx.Response) -> str:
    if response.status_code != 200:
        raise RuntimeError(
            f"oidc-provider's token endpoint answered {response.status_code}: "
            f"{response.text}"
        )
    body: dict[str, Any] = response.json()
    token: str = body["access_token"]
    return token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
