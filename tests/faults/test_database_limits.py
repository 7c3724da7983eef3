"""The engine's time limits against a real server: one that is slow (the
shared test server), one that froze or idles a transaction away (a cluster of
these tests' own, see ``tests/faults/cluster.py``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, reads_of
from db.failures import TIMEOUT, UNAVAILABLE, Failure, classify
from tests.faults.cluster import Cluster

#: Small limits, so that each test takes about a second.
LIMITS: dict[str, float] = {
    "statement_timeout_seconds": 0.3,
    "command_timeout_seconds": 1.0,
    "connect_timeout_seconds": 1.0,
    "pool_timeout_seconds": 1.0,
}
#: SQLAlchemy closes a connection it gives up on politely first, for up to
#: 2 s, before it drops it; a failure may take that long on top of a limit.
CLOSE_ALLOWANCE = 2.0
#: Where a wait counts as a hang (what these limits exist to prevent).
HANG_SECONDS = 20.0


@asynccontextmanager
async def limited_engine(url: URL, **limits: Any) -> AsyncIterator[AsyncEngine]:
    """An engine with one connection at most and ``LIMITS`` (or ``limits``)."""
    engine = create_engine(url, pool_size=1, max_overflow=0, **(LIMITS | limits))
    try:
        yield engine
    finally:
        await engine.dispose()


async def scalar(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar()


async def failure_of(
    attempt: Callable[[], Awaitable[object]],
) -> tuple[Failure | None, float]:
    """How ``attempt`` failed (as ``classify`` sees it) and after how long;
    the test fails if it is still waiting after ``HANG_SECONDS``."""
    started = time.monotonic()
    task = asyncio.ensure_future(attempt())
    done, _ = await asyncio.wait({task}, timeout=HANG_SECONDS)
    if not done:
        task.cancel()
        pytest.fail(f"still waiting after {HANG_SECONDS} s")
    error = task.exception()
    assert error is not None, "it did not fail"
    return classify(error), time.monotonic() - started


# -- the limits reach the server --------------------------------------------


async def test_every_connection_carries_the_server_side_limits(
    engine: AsyncEngine,
) -> None:
    async with (
        limited_engine(engine.url, idle_in_transaction_timeout_seconds=20) as limited,
        limited.connect() as conn,
    ):
        statement = (await conn.execute(text("SHOW statement_timeout"))).scalar()
        idle = (
            await conn.execute(text("SHOW idle_in_transaction_session_timeout"))
        ).scalar()

    assert statement == "300ms"
    assert idle == "20s"


async def test_without_limits_statements_may_run_as_long_as_they_need(
    engine: AsyncEngine,
) -> None:
    # migrations and batch jobs create engines without limits
    async with engine.connect() as conn:
        statement = (await conn.execute(text("SHOW statement_timeout"))).scalar()

    assert statement == "0"


@pytest.mark.parametrize(
    ("statement", "command"), [(5.0, 5.0), (5.0, 4.0)], ids=["equal", "below"]
)
def test_a_client_limit_not_above_the_server_limit_is_refused(
    statement: float, command: float
) -> None:
    with pytest.raises(ValueError, match="command_timeout_seconds must be above"):
        create_engine(
            "postgresql://localhost/x",
            statement_timeout_seconds=statement,
            command_timeout_seconds=command,
        )


def test_a_limit_of_zero_is_refused() -> None:
    # zero means "no limit" to PostgreSQL: it must not slip through as one
    with pytest.raises(ValueError, match="statement_timeout_seconds must be positive"):
        create_engine("postgresql://localhost/x", statement_timeout_seconds=0)


# -- a slow statement ----------------------------------------------------------


async def test_a_statement_past_its_limit_is_cancelled_by_the_server_and_its_connection_serves_on(  # noqa: E501
    engine: AsyncEngine,
) -> None:
    async with limited_engine(engine.url) as limited:
        backend = await scalar(limited, "SELECT pg_backend_pid()")

        # when: a read runs past statement_timeout, outside and inside a
        # transaction
        failure, seconds = await failure_of(
            lambda: scalar(reads_of(limited), "SELECT pg_sleep(30)")
        )

        async def in_transaction() -> None:
            async with limited.begin() as conn:
                await conn.execute(text("SELECT pg_sleep(30)"))

        in_transaction_failure, _ = await failure_of(in_transaction)

        # then: both end as TIMEOUT, cancelled by the server (before the
        # client's own limit), and the pool's one connection, the same
        # backend, answers the next statement
        assert failure is TIMEOUT
        assert in_transaction_failure is TIMEOUT
        assert seconds < LIMITS["command_timeout_seconds"]
        assert await scalar(limited, "SELECT pg_backend_pid()") == backend
        assert limited.pool.checkedin() == 1  # type: ignore[attr-defined]


# -- a frozen server -----------------------------------------------------------


async def test_the_pre_ping_on_a_frozen_server_ends_within_the_limits(
    cluster: Cluster, cluster_database: URL
) -> None:
    async with limited_engine(cluster_database) as limited:
        # given: a pooled connection, then the server freezes
        assert await scalar(limited, "SELECT 1") == 1
        with cluster.frozen():
            # when: a request checks a connection out (pre-ping first)
            failure, seconds = await failure_of(lambda: scalar(limited, "SELECT 1"))

        # then: it fails as "unavailable", bounded by the command timeout (the
        # ping), the connect timeout (the new connection tried after it) and
        # the polite close, where it used to wait as long as the freeze
        bound = (
            LIMITS["command_timeout_seconds"]
            + LIMITS["connect_timeout_seconds"]
            + CLOSE_ALLOWANCE
        )
        assert failure is UNAVAILABLE
        assert seconds < bound + 1.0

        # and: once the server answers again, so does the same engine
        assert await scalar(limited, "SELECT 1") == 1


async def test_a_statement_on_a_frozen_server_ends_within_the_command_timeout(
    cluster: Cluster, cluster_database: URL
) -> None:
    async with limited_engine(cluster_database) as limited:
        async with limited.connect() as conn:
            await conn.execute(text("SELECT 1"))
            with cluster.frozen():
                failure, seconds = await failure_of(
                    lambda: conn.execute(text("SELECT 1"))
                )

        assert failure is UNAVAILABLE
        assert seconds < LIMITS["command_timeout_seconds"] + CLOSE_ALLOWANCE + 1.0
        assert await scalar(limited, "SELECT 1") == 1


async def test_connecting_to_a_frozen_server_ends_within_the_connect_timeout(
    cluster: Cluster, cluster_database: URL
) -> None:
    async with limited_engine(cluster_database) as limited:
        with cluster.frozen():
            failure, seconds = await failure_of(lambda: scalar(limited, "SELECT 1"))

        assert failure is UNAVAILABLE
        assert seconds < LIMITS["connect_timeout_seconds"] + 1.0
        assert await scalar(limited, "SELECT 1") == 1


async def test_a_server_that_was_stopped_and_started_again_is_used_again(
    cluster: Cluster, cluster_database: URL
) -> None:
    async with limited_engine(cluster_database) as limited:
        assert await scalar(limited, "SELECT 1") == 1
        with cluster.stopped():
            failure, seconds = await failure_of(lambda: scalar(limited, "SELECT 1"))

        assert failure is UNAVAILABLE
        assert seconds < LIMITS["connect_timeout_seconds"] + 1.0
        # the pooled connection died with the server: the pre-ping replaces it
        assert await scalar(limited, "SELECT 1") == 1


# -- an abandoned transaction --------------------------------------------------


async def test_a_session_idle_in_a_transaction_is_ended_by_the_server(
    cluster_database: URL,
) -> None:
    async with limited_engine(
        cluster_database, idle_in_transaction_timeout_seconds=0.3
    ) as limited:
        async with limited.connect() as holder:
            await holder.execute(text("SELECT 1"))
            await holder.execute(text("BEGIN"))  # the transaction is left open
            await holder.execute(text("SELECT 1"))
            # when: its client goes quiet for longer than the limit
            await asyncio.sleep(1.0)
            # then: the server has ended the session (and released its locks)
            failure, _ = await failure_of(lambda: holder.execute(text("SELECT 1")))
            assert failure is UNAVAILABLE

        assert await scalar(limited, "SELECT 1") == 1
