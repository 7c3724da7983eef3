"""Liveness and readiness probes.

``/readyz`` answers within its timeout whatever hangs (connecting, the pool's
pre-ping, the revision query, the issuer): each check runs as a task of its
own, and the probe reports what has not answered by the deadline instead of
waiting for it. Concurrent probes share the checks in flight, so a flood of
probes during an outage costs no more connections or fetches than one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse

from auth.authentication.jwks import IssuerKeys
from db import migrate

log = logging.getLogger("gateway")


@dataclass(frozen=True, slots=True)
class Check:
    """One dependency's state: ``detail`` is "ok" or why it is not ready
    (short and safe to show: no hostnames, no error text)."""

    ok: bool
    detail: str
    revision: str | None = None


async def database_check(engine: AsyncEngine) -> Check:
    """Reachable, and migrated to what the code expects."""
    try:
        revision = await migrate.current_revision(engine)
    except Exception:
        log.warning("readiness: the database is unreachable", exc_info=True)
        return Check(False, "unreachable")
    head = migrate.head_revision()
    if revision != head:
        return Check(False, f"at {revision}, expected {head}", revision)
    return Check(True, "ok", revision)


async def issuer_check(keys: IssuerKeys) -> Check:
    """The issuer's signing keys were fetched at least once (later failures
    do not count: cached keys keep verifying tokens)."""
    if await keys.have_keys():
        return Check(True, "ok")
    return Check(False, "unreachable (no signing keys fetched yet)")


class Readiness:
    """The checks in flight, by name, shared by concurrent probes."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[Check]] = {}

    async def run(
        self, checks: Mapping[str, Callable[[], Awaitable[Check]]], seconds: float
    ) -> dict[str, Check]:
        """Each check's outcome, or "no answer" for one still running after
        ``seconds``; returns by then whatever the checks do."""
        tasks: dict[str, asyncio.Task[Check]] = {}
        for name, check in checks.items():
            task = self._running.get(name)
            if task is None or task.done():
                task = asyncio.create_task(_within(check, seconds))
                self._running[name] = task
            tasks[name] = task
        await asyncio.wait(tasks.values(), timeout=seconds)
        outcome: dict[str, Check] = {}
        for name, task in tasks.items():
            if task.done() and not task.cancelled():
                outcome[name] = task.result()
            else:
                log.warning("readiness: %s gave no answer within %s s", name, seconds)
                outcome[name] = _no_answer(seconds)
        return outcome


async def _within(check: Callable[[], Awaitable[Check]], seconds: float) -> Check:
    """The check, stopped after ``seconds`` so nothing it holds (a connection, a
    pool slot) outlives the probe by more than its own clean-up."""
    try:
        async with asyncio.timeout(seconds):
            return await check()
    except TimeoutError:
        return _no_answer(seconds)


def _no_answer(seconds: float) -> Check:
    return Check(False, f"no answer within {seconds:g} s")


def readiness_body(outcome: Mapping[str, Check]) -> tuple[int, dict[str, str]]:
    """The probe's status and body: 200 when every check is ok, else 503
    naming what is not."""
    ready = all(check.ok for check in outcome.values())
    body = {"status": "ok" if ready else "unavailable"}
    body |= {name: check.detail for name, check in outcome.items()}
    database = outcome.get("database")
    if database is not None and database.revision is not None:
        body["revision"] = database.revision
    return (200 if ready else 503), body


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and is migrated to what the code
    expects, and the issuer's keys could be fetched."""
    state = request.app.state
    engine: AsyncEngine = state.engine
    keys: IssuerKeys = state.authenticator.verifier.keys
    readiness = getattr(state, "readiness", None)
    if not isinstance(readiness, Readiness):
        readiness = state.readiness = Readiness()
    outcome = await readiness.run(
        {
            "database": lambda: database_check(engine),
            "issuer": lambda: issuer_check(keys),
        },
        state.settings.readyz_timeout_seconds,
    )
    status, body = readiness_body(outcome)
    return JSONResponse(body, status)
