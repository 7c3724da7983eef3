"""Run Alembic migrations from the gateway, its commands and the tests."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from settings import ROOT


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, bound to ``connection`` when one is given."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``."""
    async with engine.begin() as conn:
        await conn.run_sync(
            lambda sync: command.upgrade(alembic_config(sync), revision)
        )


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    """Migrate the database down to ``revision``."""
    async with engine.begin() as conn:
        await conn.run_sync(
            lambda sync: command.downgrade(alembic_config(sync), revision)
        )


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


@cache
def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
