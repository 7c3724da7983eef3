"""Hand-built case graphs for API tests, with identity links for their parents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from db import models as m
from tests.support import factories as f


@dataclass(frozen=True)
class Family:
    office_id: int
    obligor_id: int
    case_ids: list[int]
    case_numbers: list[str]
    order_ids: list[int]


async def link(conn: AsyncConnection, issuer: str, subject: str, party_id: int) -> None:
    await f.add(conn, m.IdentityLink, issuer=issuer, subject=subject, party_id=party_id)


async def obligor_with_cases(
    conn: AsyncConnection, cases: int, *, payments_per_order: int = 3
) -> Family:
    """An obligor with ``cases`` cases, each with an obligee, two children, an
    order with two obligations, accruals, and allocated payments."""
    office = await f.agency(conn)
    worker = await f.staff(conn, office)
    obligor = await f.party(conn, first_name="Olly")
    case_ids: list[int] = []
    numbers: list[str] = []
    orders: list[int] = []
    start = date(2024, 1, 1)
    for _ in range(cases):
        case_id = await f.case(conn, office, worker)
        obligee = await f.party(conn, first_name="Eve")
        await f.add(
            conn, m.CaseParticipant, case_id=case_id, party_id=obligor, role="obligor"
        )
        await f.add(
            conn, m.CaseParticipant, case_id=case_id, party_id=obligee, role="obligee"
        )
        for name in ("Ann", "Ben"):
            child = await f.add(
                conn,
                m.Child,
                first_name=name,
                last_name="Kid",
                date_of_birth=date(2015, 5, 1),
                expected_emancipation_date=date(2033, 5, 1),
            )
            await f.add(conn, m.CaseChild, case_id=case_id, child_id=child)
        order_id = await f.order(conn, case_id, effective_date=start)
        await f.obligation(conn, order_id, start_date=start)
        await f.obligation(
            conn,
            order_id,
            kind="medical_support",
            amount=Decimal("50.00"),
            start_date=start,
        )
        for month in range(payments_per_order):
            day = date(2024, month + 1, 1)
            await f.ledger(
                conn,
                order_id,
                entry_type="accrual",
                entry_date=day,
                bucket="current_support",
                amount=Decimal("400.00"),
            )
            paid = await f.payment(
                conn,
                order_id,
                obligor,
                collected_on=day + timedelta(days=3),
                posted_on=day + timedelta(days=4),
            )
            for kind, amount in (("collection", "400.00"), ("allocation", "400.00")):
                await f.ledger(
                    conn,
                    order_id,
                    entry_type=kind,
                    entry_date=day + timedelta(days=3),
                    bucket=None if kind == "collection" else "current_support",
                    amount=Decimal(amount),
                    payment_id=paid,
                )
        case_ids.append(case_id)
        orders.append(order_id)
    for case_id in case_ids:
        numbers.append(
            str(
                await conn.scalar(
                    m.Case.__table__.select()
                    .with_only_columns(m.Case.case_number)
                    .where(m.Case.id == case_id)
                )
            )
        )
    return Family(office, obligor, case_ids, numbers, orders)
