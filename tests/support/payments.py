"""A case to pay on, the people around it, and the payment tables as rows."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from db.enums import Bucket, OwedTo
from domain.balance import CURRENT_BUCKETS, LedgerSums
from domain.posting import BucketTotals
from domain.schedule import month_start
from loaders import ids
from settings import ROOT
from tests.support import factories as f
from tests.support import roles as r
from tests.support.cases import link

#: The tables a payment writes to (and a refused one must leave alone).
PAYMENT_TABLES: tuple[type[m.Base], ...] = (
    m.Payment,
    m.LedgerEntry,
    m.IdempotencyKey,
    m.SandboxCharge,
    m.OutboxEvent,
    m.AuditEvent,
)
PARTNER_CLIENT = "OK-CSS"

#: What the order owes (see ``pay_world``).
CURRENT = Decimal("400.00")
MEDICAL = Decimal("50.00")
FAMILY_ARREARS = Decimal("400.00")
STATE_ARREARS = Decimal("100.00")
TOTAL_OWED = CURRENT + MEDICAL + FAMILY_ARREARS + STATE_ARREARS


@dataclass(frozen=True)
class PayWorld:
    """Olly pays order ``order_id`` on case ``case_id`` (office A, worker
    ``worker_a``) to Eve; Pat pays another order of the office to Quinn;
    ``worker_b`` works for office B; the partner agency has the case shared."""

    case_id: int
    case_number: str
    order_id: int
    order_number: str
    obligor_id: int
    obligee_id: int
    other_parent_id: int
    other_order_id: int
    worker_a: int
    worker_b: int
    partner_id: int

    @property
    def order_gid(self) -> str:
        return ids.encode("Order", self.order_id)

    @property
    def obligor_gid(self) -> str:
        return ids.encode("Party", self.obligor_id)


async def pay_world(engine: AsyncEngine, issuer_url: str) -> PayWorld:
    """The order owes, as of today: this month's current support (400) and
    medical support (50), last month's unpaid support (400, the family's
    arrears) and 100 of arrears assigned to the state (former assistance)."""
    today = date.today()
    this_month = month_start(today)
    last_month = month_start(this_month - timedelta(days=1))
    async with engine.begin() as conn:
        office_a = await f.agency(conn)
        office_b = await f.agency(conn)
        worker_a = await f.staff(conn, office_a)
        worker_b = await f.staff(conn, office_b)
        olly = await f.party(conn, first_name="Olly", email="olly@mail.example")
        eve = await f.party(conn, first_name="Eve", email="eve@mail.example")
        pat = await f.party(conn, first_name="Pat", email="pat@mail.example")
        quinn = await f.party(conn, first_name="Quinn")
        case_id = await f.case(
            conn, office_a, worker_a, assistance_status="former_tanf"
        )
        await r.on_case(conn, case_id, olly, "obligor")
        await r.on_case(conn, case_id, eve, "obligee")
        order_id = await f.order(conn, case_id, effective_date=last_month)
        await f.obligation(conn, order_id, start_date=last_month)
        await f.obligation(
            conn,
            order_id,
            kind="medical_support",
            amount=MEDICAL,
            start_date=this_month,
        )
        for day, bucket, amount in (
            (last_month, "current_support", FAMILY_ARREARS),
            (this_month, "current_support", CURRENT),
            (this_month, "medical_support", MEDICAL),
        ):
            await f.ledger(
                conn,
                order_id,
                entry_type="accrual",
                entry_date=day,
                bucket=bucket,
                amount=amount,
            )
        await f.ledger(
            conn,
            order_id,
            entry_type="adjustment",
            entry_date=last_month,
            bucket="arrears",
            owed_to="state",
            amount=STATE_ARREARS,
        )
        other_case = await f.case(conn, office_a, worker_a)
        await r.on_case(conn, other_case, pat, "obligor")
        await r.on_case(conn, other_case, quinn, "obligee")
        other_order = await f.order(conn, other_case)
        partner = await r.partner(conn)
        await r.share(conn, partner, case_id, ["case:read", "pii:read", "fti:read"])
        await r.link_agency(conn, issuer_url, PARTNER_CLIENT, partner)
        for subject, party in (("olly", olly), ("eve", eve), ("pat", pat)):
            await link(conn, issuer_url, subject, party)
        await r.link_staff(conn, issuer_url, "worker-a", worker_a)
        await r.link_staff(conn, issuer_url, "worker-b", worker_b)
        number = await conn.scalar(
            select(m.Case.case_number).where(m.Case.id == case_id)
        )
        order_number = await conn.scalar(
            select(m.SupportOrder.order_number).where(m.SupportOrder.id == order_id)
        )
    return PayWorld(
        case_id=case_id,
        case_number=str(number),
        order_id=order_id,
        order_number=str(order_number),
        obligor_id=olly,
        obligee_id=eve,
        other_parent_id=pat,
        other_order_id=other_order,
        worker_a=worker_a,
        worker_b=worker_b,
        partner_id=partner,
    )


async def rows(engine: AsyncEngine, model: type[m.Base]) -> list[dict[str, Any]]:
    """Every row of ``model``'s table, by id, as plain dicts."""
    table = model.__table__
    async with engine.connect() as conn:
        result = await conn.execute(select(table).order_by(table.c.id))
        return [dict(row._mapping) for row in result]


async def snapshot(
    engine: AsyncEngine, tables: tuple[type[m.Base], ...] = PAYMENT_TABLES
) -> dict[str, list[dict[str, Any]]]:
    """The payment tables (and the cases' change times), for before/after."""
    taken = {model.__tablename__: await rows(engine, model) for model in tables}
    async with engine.connect() as conn:
        updated = await conn.execute(
            select(m.Case.id, m.Case.updated_at).order_by(m.Case.id)
        )
        taken["cases"] = [dict(row._mapping) for row in updated]
    return taken


def manage_command(*args: str) -> list[str]:
    """``./run <args>`` without uv: this interpreter running manage.py."""
    return [sys.executable, str(ROOT / "manage.py"), *args]


def command_environment(**values: str) -> dict[str, str]:
    """This process's environment without database or mode settings, plus
    ``values``."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GATEWAY_DATABASE_URL", "GATEWAY_MODE"}
    }
    return keep | values


def ledger_sums(totals: Iterable[BucketTotals]) -> list[LedgerSums]:
    """The balance loader's reading of the same ledger (``loaders.balance``):
    current buckets split by month, arrears at any date are past."""
    sums = {o: LedgerSums(o) for o in OwedTo}
    for t in totals:
        s = sums[t.owed_to]
        if t.bucket in CURRENT_BUCKETS:
            s = replace(
                s,
                current_charged=s.current_charged + t.current_charged,
                current_paid=s.current_paid + t.current_paid,
                past_charged=s.past_charged + t.past_charged,
                past_paid=s.past_paid + t.past_paid,
            )
        elif t.bucket is Bucket.ARREARS:
            s = replace(
                s,
                past_charged=s.past_charged + t.current_charged + t.past_charged,
                past_paid=s.past_paid + t.current_paid + t.past_paid,
            )
        elif t.bucket is Bucket.INTEREST:
            s = replace(
                s,
                interest_charged=s.interest_charged
                + t.current_charged
                + t.past_charged,
                interest_paid=s.interest_paid + t.current_paid + t.past_paid,
            )
        else:
            s = replace(
                s,
                fees_charged=s.fees_charged + t.current_charged + t.past_charged,
                fees_paid=s.fees_paid + t.current_paid + t.past_paid,
            )
        sums[t.owed_to] = s
    return list(sums.values())
