"""graphql-http's server audits (the GraphQL-over-HTTP conformance suite that
its reference server passes), run by Node against a served gateway.

``graphql_http_audit/`` holds the npm package (``package.json``, its lock) and
``audit.mjs``; they are copied into ``.data/npm/graphql-http`` (outside git)
and ``npm ci`` installs there, once per lock (a stamp records its digest; a
file lock keeps concurrent runs from racing). The test is skipped when Node is
missing or npm cannot reach its registry, never when the install fails for
another reason.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SOURCE = Path(__file__).resolve().parent / "graphql_http_audit"
ROOT = Path(__file__).resolve().parents[2]
INSTALL_DIR = ROOT / ".data" / "npm" / "graphql-http"
_FILES = ("package.json", "package-lock.json", "audit.mjs")
_STAMP = ".installed-lock.sha256"
_INSTALL_SECONDS = 600.0
_AUDIT_SECONDS = 120.0
#: npm's words for a registry it cannot reach.
_OFFLINE = re.compile(
    r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH"
    r"|network request|request to \S+ failed",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AuditResult:
    id: str
    name: str
    #: ``ok``, or ``error`` (a MUST failed), ``warn`` (SHOULD), ``notice`` (MAY).
    status: str
    reason: str | None = None
    #: What the server answered a failed audit: status, content type, body.
    response: dict[str, Any] | None = None

    def describe(self) -> str:
        answer = self.response or {}
        return (
            f"{self.id} [{self.status}] {self.name}: {self.reason}; got "
            f"{answer.get('status')} {answer.get('contentType')} {answer.get('body')}"
        )


def node_and_npm() -> tuple[str, str]:
    """Both on ``PATH``, or the test is skipped."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("the graphql-http audits need Node.js: `node`/`npm` not on PATH")
    return node, npm


def install(npm: str) -> Path:
    """The installed audit package's folder (installing it if needed)."""
    INSTALL_DIR.mkdir(parents=True, exist_ok=True)
    lock = SOURCE / "package-lock.json"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = INSTALL_DIR / "node_modules" / _STAMP
    with (INSTALL_DIR / ".install.lock").open("wb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for name in _FILES:
                shutil.copyfile(SOURCE / name, INSTALL_DIR / name)
            if stamp.is_file() and stamp.read_text() == digest:
                return INSTALL_DIR
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=INSTALL_DIR,
                capture_output=True,
                text=True,
                timeout=_INSTALL_SECONDS,
                check=False,
            )
            output = done.stdout + done.stderr
            if done.returncode != 0:
                if _OFFLINE.search(output):
                    pytest.skip(f"npm cannot reach its registry:\n{output[-2000:]}")
                raise RuntimeError(f"npm ci in {INSTALL_DIR} failed:\n{output}")
            stamp.write_text(digest)
            return INSTALL_DIR
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_audits(url: str, token: str | None = None) -> list[AuditResult]:
    """Every server audit against ``url``, sending ``token`` as a bearer."""
    node, npm = node_and_npm()
    folder = install(npm)
    done = subprocess.run(
        [node, str(folder / "audit.mjs"), url, *([token] if token else [])],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=_AUDIT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"the audits did not run ({done.returncode}):\n{done.stderr}"
        )
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return [AuditResult(**row) for row in rows]
