"""A small world for the disbursement and message tests: two families of one
office, a caseworker of that office and one of another, a partner agency
sharing the first case, logins for all, and one thread with messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import roles as r
from tests.support.cases import link
from tests.support.issuer import TestIssuer

PARTNER_CLIENT = "OK-CSS"
#: Logins: subject -> the World attribute of the row it is linked to.
LOGINS = {
    "dana": "dana",  # obligee on case 1
    "oscar": "oscar",  # obligor on case 1 (only ever pays)
    "erin": "erin",  # obligee on case 2, same office
    "carl": "carl",  # caretaker on case 2
    "worker": "worker",  # caseworker of the office
    "other-worker": "other_worker",  # caseworker of another office
}
STARTED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    office: int
    worker: int
    other_worker: int
    partner: int
    dana: int
    oscar: int
    erin: int
    carl: int
    case1: int
    case1_number: str
    case2: int
    case2_number: str
    #: Dana's thread on case 1: the agency's answer (read), Dana's follow-up,
    #: the agency's second answer (unread).
    thread: int
    answered: int
    followed_up: int
    answered_again: int

    def token(self, issuer: TestIssuer, login: str) -> str:
        if login == "partner":
            return r.partner_token(issuer, PARTNER_CLIENT)
        return issuer.mint(login)

    @property
    def thread_gid(self) -> str:
        return ids.encode("MessageThread", self.thread)

    def party_gid(self, party_id: int) -> str:
        return ids.encode("Party", party_id)


def message_gid(pk: int) -> str:
    return ids.encode("Message", pk)


async def _number(conn: AsyncConnection, case_id: int) -> str:
    return str(
        await conn.scalar(select(m.Case.case_number).where(m.Case.id == case_id))
    )


async def message(
    conn: AsyncConnection,
    thread_id: int,
    *,
    staff_id: int | None = None,
    body: str = "A message.",
    sent_at: datetime = STARTED,
    read_at: datetime | None = None,
) -> int:
    return await f.add(
        conn,
        m.Message,
        thread_id=thread_id,
        sender_kind="party" if staff_id is None else "staff",
        sender_staff_id=staff_id,
        body=body,
        sent_at=sent_at,
        read_at=read_at,
    )


async def build(engine: AsyncEngine, issuer: TestIssuer) -> World:
    """The world, with every login linked."""
    async with engine.begin() as conn:
        office = await f.agency(conn)
        other_office = await f.agency(conn, county="Harris")
        worker = await f.staff(conn, office)
        other_worker = await f.staff(conn, other_office)
        partner = await r.partner(conn, code=PARTNER_CLIENT)
        dana = await f.party(conn, first_name="Dana")
        oscar = await f.party(conn, first_name="Oscar")
        erin = await f.party(conn, first_name="Erin")
        carl = await f.party(conn, first_name="Carl")
        olga = await f.party(conn, first_name="Olga")
        case1 = await f.case(conn, office, worker)
        case2 = await f.case(conn, office, None)
        await r.on_case(conn, case1, oscar, "obligor")
        await r.on_case(conn, case1, dana, "obligee")
        await r.on_case(conn, case2, olga, "obligor")
        await r.on_case(conn, case2, erin, "obligee")
        await r.on_case(conn, case2, carl, "caretaker")
        await r.share(conn, partner, case1, ["case:read", "pii:read"])
        thread = await r.thread(conn, dana, case1)
        answered = await message(
            conn,
            thread,
            staff_id=worker,
            body="We received your question.",
            sent_at=STARTED + timedelta(days=1),
            read_at=STARTED + timedelta(days=2),
        )
        followed_up = await message(
            conn, thread, body="Thank you.", sent_at=STARTED + timedelta(days=3)
        )
        answered_again = await message(
            conn,
            thread,
            staff_id=worker,
            body="Your address is updated.",
            sent_at=STARTED + timedelta(days=4),
        )
        world = World(
            office, worker, other_worker, partner, dana, oscar, erin, carl,
            case1, await _number(conn, case1), case2, await _number(conn, case2),
            thread, answered, followed_up, answered_again,
        )  # fmt: skip
        for subject, attribute in LOGINS.items():
            row_id = getattr(world, attribute)
            if attribute in ("worker", "other_worker"):
                await r.link_staff(conn, issuer.url, subject, row_id)
            else:
                await link(conn, issuer.url, subject, row_id)
        await r.link_agency(conn, issuer.url, PARTNER_CLIENT, partner)
    return world


async def snapshot(engine: AsyncEngine, *models: type[m.Base]) -> dict[str, Any]:
    """Every row of the tables, by table, ordered by id (to compare)."""
    tables: dict[str, Any] = {}
    async with engine.connect() as conn:
        for model in models:
            table = model.__table__
            rows = await conn.execute(select(table).order_by(table.c.id))
            tables[model.__tablename__] = [tuple(row) for row in rows]
    return tables


async def audit_of(engine: AsyncEngine, action: str) -> list[dict[str, Any]]:
    """The audit rows of one action, oldest first."""
    return [row for row in await r.audit_rows(engine) if row["action"] == action]
