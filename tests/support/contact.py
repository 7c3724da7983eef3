"""A small world for the tests of a party's own records (contact details,
employers, health insurance): two offices, parents on cases, children, a
partner agency, their logins; and the tables those changes touch, as rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import roles as r
from tests.support.cases import link
from tests.support.issuer import TestIssuer

#: Tables a change of a party's records may write.
TOUCHED = (
    m.Party,
    m.ContactConfirmation,
    m.OutboxEvent,
    m.EmployerReport,
    m.InsurancePolicy,
    m.InsuranceCoverage,
    m.Case,
)
MIA_EMAIL = "mia@mail.example"
PARTNER_CLIENT = "OK-CSS"
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    """Mia (obligor) and Ned (obligee) on case c1 of office A, with children
    Ann and Ben; Mia is also obligee on case c2 of office B (child Cid);
    Pete and Quinn on case c3 of office B (child Dot). Staff: ``wa`` of
    office A, ``wb`` of office B. The partner has c1 shared with personal data."""

    mia: int
    ned: int
    pete: int
    c1: int
    c1_number: str
    c2: int
    c3: int
    ann: int
    ben: int
    cid: int
    dot: int
    wa: int
    wb: int

    def party_id(self, pk: int) -> str:
        return ids.encode("Party", pk)

    def child_id(self, pk: int) -> str:
        return ids.encode("Child", pk)


async def build_world(engine: AsyncEngine, issuer: str) -> World:
    async with engine.begin() as conn:
        office_a = await f.agency(conn, county="Travis", phone="512-555-0100")
        office_b = await f.agency(conn, county="Bexar", phone="210-555-0100")
        wa = await f.staff(conn, office_a)
        wb = await f.staff(conn, office_b)
        mia = await f.party(
            conn,
            first_name="Mia",
            address_line1="1 Elm St",
            address_line2="Apt 4",
            city="Austin",
            state="TX",
            postal_code="78701",
            phone="+15125550199",
            email=MIA_EMAIL,
            email_verified_at=LONG_AGO,
            updated_at=LONG_AGO,
        )
        ned = await f.party(conn, first_name="Ned", email="ned@mail.example")
        pete = await f.party(conn, first_name="Pete")
        quinn = await f.party(conn, first_name="Quinn")
        c1 = await f.case(conn, office_a, wa, updated_at=LONG_AGO)
        c2 = await f.case(conn, office_b, wb, updated_at=LONG_AGO)
        c3 = await f.case(conn, office_b, wb, updated_at=LONG_AGO)
        for case_id, party_id, role in (
            (c1, mia, "obligor"),
            (c1, ned, "obligee"),
            (c2, pete, "obligor"),
            (c2, mia, "obligee"),
            (c3, pete, "obligor"),
            (c3, quinn, "obligee"),
        ):
            await r.on_case(conn, case_id, party_id, role)
        ann = await r.child(conn, [c1], first_name="Ann")
        ben = await r.child(conn, [c1], first_name="Ben")
        cid = await r.child(conn, [c2], first_name="Cid")
        dot = await r.child(conn, [c3], first_name="Dot")
        partner = await r.partner(conn, code=PARTNER_CLIENT)
        await r.share(conn, partner, c1, ["case:read", "pii:read"])
        await link(conn, issuer, "mia", mia)
        await link(conn, issuer, "ned", ned)
        await r.link_staff(conn, issuer, "wa", wa)
        await r.link_staff(conn, issuer, "wb", wb)
        await r.link_agency(conn, issuer, PARTNER_CLIENT, partner)
        number = await conn.scalar(select(m.Case.case_number).where(m.Case.id == c1))
    assert number is not None
    return World(mia, ned, pete, c1, number, c2, c3, ann, ben, cid, dot, wa, wb)


def token(issuer: TestIssuer, who: str) -> str:
    """A token for ``mia``, ``ned``, ``wa``, ``wb`` or ``partner``."""
    if who == "partner":
        return r.partner_token(issuer, PARTNER_CLIENT)
    return issuer.mint(who)


async def rows(engine: AsyncEngine, model: type[m.Base]) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        table = model.__table__
        result = await conn.execute(select(table).order_by(table.c.id))
        return [dict(row._mapping) for row in result]


async def snapshot(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables these changes touch."""
    return {model.__tablename__: await rows(engine, model) for model in TOUCHED}


async def party(engine: AsyncEngine, party_id: int) -> dict[str, Any]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(m.Party.__table__).where(m.Party.id == party_id))
        ).one()
        return dict(row._mapping)


async def outbox(engine: AsyncEngine) -> list[dict[str, Any]]:
    return await rows(engine, m.OutboxEvent)


def code_in(body: str) -> str:
    """The six-digit code a message carries."""
    found = re.search(r"\b([0-9]{6})\b", body)
    assert found is not None, body
    return found.group(1)


async def case_updated_at(conn: AsyncConnection, case_id: int) -> datetime:
    value = await conn.scalar(select(m.Case.updated_at).where(m.Case.id == case_id))
    assert value is not None
    return value
