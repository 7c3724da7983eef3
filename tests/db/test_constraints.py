"""The database itself refuses bad rows, whatever the application does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.support import factories as f


async def _order(conn: AsyncConnection) -> tuple[int, int]:
    office = await f.agency(conn)
    worker = await f.staff(conn, office)
    case_id = await f.case(conn, office, worker)
    obligor = await f.party(conn)
    return await f.order(conn, case_id), obligor


async def test_case_number_must_have_ten_digits(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        office = await f.agency(conn)
    # when a 9-digit case number is inserted, then it is refused
    with pytest.raises(IntegrityError, match="ck_cases_case_number_digits"):
        async with engine.begin() as conn:
            await f.case(conn, office, None, case_number="123456789")
    with pytest.raises(IntegrityError, match="ck_cases_case_number_digits"):
        async with engine.begin() as conn:
            await f.case(conn, office, None, case_number="12345678AB")


async def test_obligation_amount_must_be_positive(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        order_id, _ = await _order(conn)
    with pytest.raises(IntegrityError, match="ck_obligations_amount_positive"):
        async with engine.begin() as conn:
            await f.obligation(conn, order_id, amount=Decimal("-50.00"))


async def test_allocation_needs_an_existing_payment(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        order_id, _ = await _order(conn)
    with pytest.raises(IntegrityError, match="fk_ledger_entries_payment_id_payments"):
        async with engine.begin() as conn:
            await f.ledger(
                conn,
                order_id,
                entry_type="allocation",
                entry_date=date(2021, 2, 3),
                bucket="current_support",
                amount=Decimal("100.00"),
                payment_id=987654321,
            )
    with pytest.raises(IntegrityError, match="ck_ledger_entries_payment_required"):
        async with engine.begin() as conn:
            await f.ledger(
                conn,
                order_id,
                entry_type="allocation",
                entry_date=date(2021, 2, 3),
                bucket="current_support",
                amount=Decimal("100.00"),
            )


async def test_money_keeps_cents_exactly(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        order_id, _ = await _order(conn)
        await f.obligation(conn, order_id, amount=Decimal("0.10"))
        await f.obligation(conn, order_id, amount=Decimal("0.20"))
        total = await conn.scalar(
            text("SELECT sum(amount) FROM obligations WHERE order_id = :o"),
            {"o": order_id},
        )
    assert total == Decimal("0.30")


@pytest.mark.parametrize("table", ["ledger_entries", "audit_events"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET id = id",
        "DELETE FROM {table}",
        "TRUNCATE {table} CASCADE",
    ],
)
async def test_append_only_tables_refuse_changes(
    engine: AsyncEngine, table: str, statement: str
) -> None:
    # given one row in the table
    async with engine.begin() as conn:
        order_id, _ = await _order(conn)
        if table == "ledger_entries":
            await f.ledger(
                conn,
                order_id,
                entry_type="accrual",
                entry_date=date(2021, 1, 1),
                bucket="current_support",
                amount=Decimal("400.00"),
            )
        else:
            await conn.execute(
                text(
                    "INSERT INTO audit_events (actor_kind, action, fields) "
                    "VALUES ('system', 'test', '{}')"
                )
            )
    # when it is updated, deleted or truncated, then the database refuses
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text(statement.format(table=table)))
    # and the row is still there
    async with engine.connect() as conn:
        assert await conn.scalar(text(f"SELECT count(*) FROM {table}")) == 1
