"""Settling a charge on the books: the ledger read the way the balance reads
it, and a payment settled by two at once posted once."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from loaders.balance import LedgerSumsByOrderIdLoader
from payments.intake import new_reference
from payments.processor import Charge, ChargeStatus
from payments.settlement import Settlement, bucket_totals, settle
from tests.support import factories as f
from tests.support.payments import ledger_sums

AS_OF = date(2026, 12, 15)
D = Decimal


async def _order(engine: AsyncEngine) -> tuple[int, int]:
    """An order with all kinds of ledger rows, and its obligor."""
    async with engine.begin() as conn:
        office = await f.agency(conn)
        case_id = await f.case(conn, office, None)
        payer = await f.party(conn)
        await f.add(
            conn, m.CaseParticipant, case_id=case_id, party_id=payer, role="obligor"
        )
        order_id = await f.order(conn, case_id)
        paid = await f.payment(conn, order_id, payer)
        rows = [
            ("accrual", date(2026, 11, 1), "current_support", "family", "400.00"),
            ("accrual", date(2026, 11, 1), "current_support", "state", "100.00"),
            ("accrual", date(2026, 12, 1), "current_support", "family", "400.00"),
            ("accrual", date(2026, 12, 1), "medical_support", "family", "50.00"),
            ("accrual", date(2027, 1, 1), "current_support", "family", "400.00"),
            ("adjustment", date(2026, 12, 3), "arrears", "state", "250.00"),
            ("adjustment", date(2026, 10, 3), "arrears", "family", "-40.00"),
            ("adjustment", date(2026, 6, 1), "interest", "family", "12.00"),
            ("adjustment", date(2026, 6, 1), "fees", "state", "25.00"),
            ("allocation", date(2026, 11, 5), "current_support", "family", "300.00"),
            ("allocation", date(2026, 12, 5), "current_support", "family", "80.00"),
            ("allocation", date(2026, 12, 5), "arrears", "state", "30.00"),
            ("allocation", date(2026, 12, 5), "medical_support", "family", "60.00"),
            ("allocation", date(2026, 12, 5), "interest", "family", "2.00"),
        ]
        for kind, day, bucket, owed_to, amount in rows:
            await f.ledger(
                conn,
                order_id,
                entry_type=kind,
                entry_date=day,
                bucket=bucket,
                owed_to=owed_to,
                amount=D(amount),
                payment_id=paid if kind == "allocation" else None,
            )
        await f.ledger(
            conn,
            order_id,
            entry_type="collection",
            entry_date=date(2026, 12, 5),
            amount=D("472.00"),
            payment_id=paid,
        )
    return order_id, payer


async def test_the_ledger_is_read_as_the_balance_reads_it(engine: AsyncEngine) -> None:
    # given an order with accruals, adjustments, allocations, a future accrual
    order_id, _ = await _order(engine)

    # when the posting's per-bucket totals are read
    async with engine.connect() as conn:
        totals = await bucket_totals(conn, order_id, AS_OF)
    loaded = await LedgerSumsByOrderIdLoader(engine, AS_OF).load(order_id)

    # then, summed the balance's way, they are the balance loader's totals
    assert {s.owed_to: s for s in ledger_sums(totals)} == {s.owed_to: s for s in loaded}


async def _pending(engine: AsyncEngine, order_id: int, payer: int) -> tuple[int, str]:
    reference = new_reference()
    async with engine.begin() as conn:
        payment_id = await f.payment(
            conn,
            order_id,
            payer,
            amount=D("100.00"),
            collected_on=AS_OF,
            posted_on=None,
            status="pending",
            source="direct_payment",
            reference=reference,
            processor="sandbox",
        )
    return payment_id, reference


async def test_a_payment_settled_twice_at_once_posts_once(engine: AsyncEngine) -> None:
    # given a pending payment whose charge was captured
    order_id, payer = await _order(engine)
    payment_id, reference = await _pending(engine, order_id, payer)
    charge = Charge(reference, "ch_1", D("100.00"), ChargeStatus.CAPTURED)

    # when a request and a reconciliation settle it at the same moment
    async def one() -> Settlement:
        async with engine.begin() as conn:
            return await settle(conn, payment_id, charge, AS_OF)

    first, second = await asyncio.gather(one(), one())

    # then one posted it, the other found it posted
    assert sorted([first.changed, second.changed]) == [False, True]
    entries = [
        e
        for e in await _ledger(engine)
        if e.payment_id == payment_id and e.entry_type == "collection"
    ]
    assert len(entries) == 1


async def test_a_charge_that_does_not_match_is_left_for_staff(
    engine: AsyncEngine,
) -> None:
    order_id, payer = await _order(engine)
    payment_id, reference = await _pending(engine, order_id, payer)
    charge = Charge(reference, "ch_1", D("99.00"), ChargeStatus.CAPTURED)
    async with engine.begin() as conn:
        settled = await settle(conn, payment_id, charge, AS_OF)
    assert (settled.payment.status, settled.payment.failure_code) == (
        "pending",
        "amount_mismatch",
    )


async def _ledger(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list(await conn.execute(select(m.LedgerEntry.__table__)))
