"""Engine and session factories. Nothing is built at import time: the app's
lifespan (or a command, or a test fixture) creates the engine and disposes of it."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def async_url(url: str | URL) -> URL:
    """Any PostgreSQL URL (``postgresql://``, ``postgres://``, with or without a
    driver) as the asyncpg form SQLAlchemy needs."""
    if isinstance(url, str) and url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string()}")
    return parsed.set(drivername="postgresql+asyncpg")


def create_engine(
    url: str | URL,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    statement_timeout_seconds: float | None = None,
    command_timeout_seconds: float | None = None,
    idle_in_transaction_timeout_seconds: float | None = None,
    connect_timeout_seconds: float = 10.0,
    pool_timeout_seconds: float = 30.0,
    pre_ping: bool = True,
) -> AsyncEngine:
    """The gateway's engine: asyncpg, a bounded pool, pre-ping for failover.
    Statement parameters never reach a log or an error message (they carry
    one-time codes, digests, personal data), even with SQL logging on.

    Time limits, so a slow or frozen database ends a wait instead of holding it
    forever (``None``: no limit, for migrations and batch jobs):

    - ``statement_timeout_seconds``: PostgreSQL cancels a longer statement
      itself (SQLSTATE 57014); the connection stays usable and goes back to
      the pool.
    - ``command_timeout_seconds``: asyncpg stops waiting for any one command
      (pre-ping included). It must be above the statement timeout, so that a
      live server cancels first; it is what ends the wait on a server that
      does not answer at all.
    - ``idle_in_transaction_timeout_seconds``: the server ends a session that
      sits in an open transaction this long (its client is gone or stuck),
      releasing the locks it holds.
    - ``connect_timeout_seconds``: opening a connection, authentication
      included.
    - ``pool_timeout_seconds``: waiting for a pooled connection when all are
      in use.

    ``pre_ping`` checks each pooled connection with a round trip before use
    (outside autocommit, asyncpg wraps it in BEGIN and ROLLBACK: three round
    trips); without it a dead connection is found by its first statement,
    which makes the pool refresh itself (``loaders.base.read`` retries).
    """
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_seconds,
        pool_pre_ping=pre_ping,
        hide_parameters=True,
        connect_args=connect_args(
            statement_timeout_seconds=statement_timeout_seconds,
            command_timeout_seconds=command_timeout_seconds,
            idle_in_transaction_timeout_seconds=idle_in_transaction_timeout_seconds,
            connect_timeout_seconds=connect_timeout_seconds,
        ),
    )


def connect_args(
    *,
    statement_timeout_seconds: float | None,
    command_timeout_seconds: float | None,
    idle_in_transaction_timeout_seconds: float | None,
    connect_timeout_seconds: float,
) -> dict[str, Any]:
    """asyncpg's ``connect()`` keywords for these limits; a client limit at or
    below the server's is refused (the client would give up on a statement
    the server was about to cancel cleanly, and drop a healthy connection)."""
    for name, value in (
        ("statement_timeout_seconds", statement_timeout_seconds),
        ("command_timeout_seconds", command_timeout_seconds),
        ("idle_in_transaction_timeout_seconds", idle_in_transaction_timeout_seconds),
        ("connect_timeout_seconds", connect_timeout_seconds),
    ):
        if value is not None and not value > 0:
            raise ValueError(f"{name} must be positive, not {value}")
    if (
        statement_timeout_seconds is not None
        and command_timeout_seconds is not None
        and command_timeout_seconds <= statement_timeout_seconds
    ):
        raise ValueError(
            "command_timeout_seconds must be above statement_timeout_seconds "
            f"({command_timeout_seconds} <= {statement_timeout_seconds})"
        )
    # the statements are prepared once per connection and run with the same
    # shapes of parameters (id arrays): planned once, not at each execution
    # (PostgreSQL otherwise keeps planning such statements anew each time);
    # and they are index probes on data in memory: a random page costs about
    # what a sequential one does (the default, 4, prices a spinning disk and
    # makes small tables scanned whole instead of probed)
    server_settings = {
        "application_name": "case-gateway",
        "plan_cache_mode": "force_generic_plan",
        "random_page_cost": "1.1",
    }
    if statement_timeout_seconds is not None:
        server_settings["statement_timeout"] = _milliseconds(statement_timeout_seconds)
    if idle_in_transaction_timeout_seconds is not None:
        server_settings["idle_in_transaction_session_timeout"] = _milliseconds(
            idle_in_transaction_timeout_seconds
        )
    return {
        "server_settings": server_settings,
        "command_timeout": command_timeout_seconds,
        "timeout": connect_timeout_seconds,
    }


def _milliseconds(seconds: float) -> str:
    """A PostgreSQL duration setting (an integer of ms; never 0, which means
    "no limit")."""
    return str(max(1, math.ceil(seconds * 1000)))


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for mutations: one per transaction, objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def reads_of(engine: AsyncEngine) -> AsyncEngine:
    """The same pool for single-statement reads: autocommit, so a loader's batch
    costs one round trip instead of BEGIN, the query and ROLLBACK."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")
