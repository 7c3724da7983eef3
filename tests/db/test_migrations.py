"""The migrations are the schema: they run both ways and match the models."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection

from db import migrate
from db.engine import create_engine
from db.models import Base


def _tables(sync: Connection) -> set[str]:
    return set(inspect(sync).get_table_names())


def _differences(sync: Connection) -> list[Any]:
    context = MigrationContext.configure(
        sync, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_downgrade_upgrade_on_an_empty_database(
    empty_database_url: URL,
) -> None:
    # given an empty database
    engine = create_engine(empty_database_url, pool_size=1)
    try:
        # when it is migrated up, all the way down, and up again
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            after_first = await conn.run_sync(_tables)
        await migrate.downgrade(engine, "base")
        async with engine.connect() as conn:
            after_down = await conn.run_sync(_tables)
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            after_second = await conn.run_sync(_tables)

        # then every model table exists after each upgrade and none after downgrade
        expected = set(Base.metadata.tables)
        assert expected <= after_first
        assert after_down <= {"alembic_version"}
        assert after_second == after_first
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(engine: Any) -> None:
    # given a database migrated to head (the fixture)
    # when autogenerate compares it with the models
    async with engine.connect() as conn:
        differences = await conn.run_sync(_differences)
    # then it finds nothing to change
    assert differences == []


async def test_notification_choices_carry_over_to_the_six_topics(
    empty_database_url: URL,
) -> None:
    # given a database at 0002 where a parent chose e-mail for payments and
    # turned SMS off for case news
    engine = create_engine(empty_database_url, pool_size=1)
    try:
        await migrate.upgrade(engine, "0002")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO parties (id, first_name, last_name, date_of_birth) "
                    "VALUES (1, 'Pat', 'Parent', '1985-01-01')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO notification_preferences "
                    "(party_id, topic, channel, opted_in) VALUES "
                    "(1, 'payments', 'email', true), (1, 'case', 'sms', false)"
                )
            )

        # when it is migrated to head, and back
        await migrate.upgrade(engine)
        after = await _choices(engine)
        await migrate.downgrade(engine, "0002")
        back = await _choices(engine)
    finally:
        await engine.dispose()

    # then each old topic became its two new ones with the same choice, and
    # the way back restores the old rows
    assert after == {
        ("payment_received", "email", True),
        ("payment_disbursed", "email", True),
        ("case_update", "sms", False),
        ("court_date", "sms", False),
    }
    assert back == {("payments", "email", True), ("case", "sms", False)}


async def _choices(engine: Any) -> set[tuple[str, str, bool]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT topic, channel, opted_in FROM notification_preferences")
        )
        return {(row.topic, row.channel, row.opted_in) for row in rows}
