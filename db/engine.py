"""Engine and session factories. Nothing is built at import time: the app's
lifespan (or a command, or a test fixture) creates the engine and disposes of it."""

from __future__ import annotations

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
    url: str | URL, *, pool_size: int = 10, max_overflow: int = 10
) -> AsyncEngine:
    """The gateway's engine: asyncpg, a bounded pool, pre-ping for failover.
    Statement parameters never reach a log or an error message (they carry
    one-time codes, digests, personal data), even with SQL logging on."""
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={"server_settings": {"application_name": "case-gateway"}},
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for mutations: one per transaction, objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def reads_of(engine: AsyncEngine) -> AsyncEngine:
    """The same pool for single-statement reads: autocommit, so a loader's batch
    costs one round trip instead of BEGIN, the query and ROLLBACK."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")
