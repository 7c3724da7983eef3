"""Time limits seen by a client: a statement held up past its limit ends with
``TIMEOUT``, a request finding no free connection waits a bounded time and
ends with ``SERVICE_UNAVAILABLE``; both in the GraphQL error format, and the
next request on the same pool succeeds."""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.api import running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer
from tests.support.notifications import reachable_party

VIEWER = "{ viewer { firstName } }"
UPDATE = """
mutation Update($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { topic channel enabled }
    errors { code }
  }
}
"""
TURN_OFF = {
    "preferences": [{"topic": "CASE_UPDATE", "channel": "EMAIL", "enabled": False}]
}
#: What a failure may say: nothing of SQL, drivers, hosts or stack traces.
INTERNALS = ("select", "asyncpg", "sqlalchemy", "traceback", "pg_", "127.0.0.1")


async def _linked_party(engine: AsyncEngine, issuer: TestIssuer) -> int:
    async with engine.begin() as conn:
        party = await reachable_party(conn, first_name="Pat")
        await link(conn, issuer.url, "pat", party)
    return party


def only_error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert not any(word in response.text.lower() for word in INTERNALS), body
    return error


async def test_a_statement_held_up_past_its_limit_ends_with_timeout(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given: Pat, and the gateway's statements limited to half a second on a
    # pool of one connection
    pat = await _linked_party(engine, issuer)
    token = issuer.mint("pat")
    async with running_api(
        engine,
        issuer.url,
        db_pool_size=1,
        db_max_overflow=0,
        db_statement_timeout_seconds=0.5,
        db_command_timeout_seconds=3.0,
    ) as api:
        # when: another session holds Pat's row, so the mutation's statement
        # (which reads it FOR SHARE) waits on the lock
        async with engine.connect() as other:
            await other.execute(text("BEGIN"))
            await other.execute(
                text("SELECT 1 FROM parties WHERE id = :id FOR UPDATE"), {"id": pat}
            )
            started = time.monotonic()
            held_up = await api.post(UPDATE, token, input=TURN_OFF)
            seconds = time.monotonic() - started
            await other.execute(text("ROLLBACK"))

        # then: the server cancelled it at its limit (not the client's, which
        # would have dropped the connection) and the client got TIMEOUT
        assert held_up.status_code == 504, held_up.text
        error = only_error(held_up)
        assert error["extensions"]["code"] == "TIMEOUT"
        assert error["message"] == "The request took too long and was stopped."
        assert held_up.json()["data"] is None  # the field is non-null
        assert seconds < 3.0

        # and: with the lock gone, the same pool's connection serves the
        # same mutation
        done = await api.query(UPDATE, token, input=TURN_OFF)
    changed = done["updateNotificationPreferences"]
    assert changed["errors"] == []
    assert {"topic": "CASE_UPDATE", "channel": "EMAIL", "enabled": False} in changed[
        "preferences"
    ]


async def test_a_request_waits_for_a_free_connection_a_bounded_time(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given: a pool of one connection that requests wait for at most 1 s
    await _linked_party(engine, issuer)
    token = issuer.mint("pat")
    async with running_api(
        engine,
        issuer.url,
        db_pool_size=1,
        db_max_overflow=0,
        db_pool_timeout_seconds=1.0,
    ) as api:
        assert await api.query(VIEWER, token) == {"viewer": {"firstName": "Pat"}}
        app_engine: AsyncEngine = api.app.state.engine

        # when: something holds that connection while a request comes in
        async with app_engine.connect() as held:
            await held.execute(text("SELECT 1"))
            started = time.monotonic()
            refused = await api.post(VIEWER, token)
            seconds = time.monotonic() - started

        # then: the request waited about the bound, then failed cleanly
        assert refused.status_code == 503, refused.text
        error = only_error(refused)
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert error["message"] == "Service unavailable, try again shortly."
        assert 0.9 <= seconds < 5.0

        # and: once the connection is back in the pool, the next one succeeds
        assert await api.query(VIEWER, token) == {"viewer": {"firstName": "Pat"}}
