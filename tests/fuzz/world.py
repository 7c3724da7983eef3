"""Two families on two offices' cases, and who asks about them.

Family A is everyone's to see: parent A (its obligor), a caseworker of A's
office, and a partner agency A's case is shared with. Family B is nobody's:
its office, caseworker, people, case and payments are the other party, with
distinctive values (``B_SECRETS``) that must never reach any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import roles as r
from tests.support.cases import link
from tests.support.issuer import TestIssuer

PARENT_A = "fuzz-parent-a"
WORKER_A = "fuzz-worker-a"
PARTNER = "fuzz-ok-css"
A_CASE = "4100000001"
B_CASE = "7700112233"

#: Family B's values: none may appear in a response to anyone here (unless
#: the request itself carried it, as an echo of the caller's own input).
B_SECRETS = (
    B_CASE,
    "Zebulon",
    "Quillfeather",
    "Isadora",
    "Vantablack",
    "Wrenna",
    "6813",
    "zebulon.q@b-family.example",
    "77 Obscura Way",
    "Quillfeather Glassworks",
    "SO-B0077001",
    "PTB000077001",
    "Casimir",
    "Oddlebury",
    "Zebulon's private question",
    "the B family's secret message",
)

#: Tables with rows of family B's parties, and the column naming them.
_B_PARTY_ROWS = (
    ("parties", "id"),
    ("case_participants", "party_id"),
    ("message_threads", "party_id"),
    ("outbox_events", "party_id"),
    ("insurance_policies", "holder_party_id"),
    ("employer_reports", "party_id"),
    ("employments", "party_id"),
    ("notification_preferences", "party_id"),
    ("contact_confirmations", "party_id"),
    ("disbursement_preferences", "party_id"),
    ("payments", "payer_party_id"),
    ("identity_links", "party_id"),
)
#: Tables with rows of family B's case and order.
_B_CASE_ROWS = (
    ("cases", "id"),
    ("support_orders", "case_id"),
    ("case_activities", "case_id"),
    ("partner_case_shares", "case_id"),
)
_B_ORDER_ROWS = (("ledger_entries", "order_id"), ("payments", "order_id"))


@dataclass(frozen=True)
class Family:
    case_id: int
    case_number: str
    order_id: int
    payment_id: int
    thread_id: int
    message_id: int
    obligor_id: int
    obligee_id: int
    child_id: int

    def global_ids(self) -> list[str]:
        """Every node ID of the family's records."""
        return [
            ids.encode("Case", self.case_id),
            ids.encode("Order", self.order_id),
            ids.encode("Payment", self.payment_id),
            ids.encode("MessageThread", self.thread_id),
            ids.encode("Message", self.message_id),
            ids.encode("Party", self.obligor_id),
            ids.encode("Party", self.obligee_id),
            ids.encode("Child", self.child_id),
        ]


@dataclass(frozen=True)
class World:
    a: Family
    b: Family

    @property
    def b_party_ids(self) -> list[int]:
        return [self.b.obligor_id, self.b.obligee_id]


@dataclass(frozen=True)
class _People:
    obligor: dict[str, Any]
    obligee: dict[str, Any]
    child: dict[str, Any]


async def _family(
    conn: AsyncConnection,
    office: int,
    worker: int,
    number: str,
    people: _People,
    *,
    order_number: str,
    reference: str,
    subject: str,
    body: str,
) -> Family:
    """A case with an obligor, an obligee and a child; an order owing
    400.00 a month with a posted, allocated payment; a message thread."""
    obligor = await f.party(conn, **people.obligor)
    obligee = await f.party(conn, **people.obligee)
    case_id = await f.case(conn, office, worker, case_number=number)
    await r.on_case(conn, case_id, obligor, "obligor")
    await r.on_case(conn, case_id, obligee, "obligee")
    child = await r.child(conn, [case_id], **people.child)
    order = await f.order(conn, case_id, order_number=order_number)
    start = date(2025, 1, 1)
    await f.obligation(conn, order, start_date=start)
    await f.ledger(
        conn,
        order,
        entry_type="accrual",
        entry_date=start,
        bucket="current_support",
        amount=Decimal("400.00"),
    )
    payment = await f.payment(
        conn,
        order,
        obligor,
        reference=reference,
        collected_on=date(2025, 1, 3),
        posted_on=date(2025, 1, 4),
    )
    for kind, bucket in (("collection", None), ("allocation", "current_support")):
        await f.ledger(
            conn,
            order,
            entry_type=kind,
            entry_date=date(2025, 1, 3),
            bucket=bucket,
            amount=Decimal("400.00"),
            payment_id=payment,
        )
    thread = await f.add(
        conn,
        m.MessageThread,
        party_id=obligor,
        case_id=case_id,
        topic="case_question",
        subject=subject,
        created_at=datetime(2025, 2, 1, 9, tzinfo=UTC),
        last_message_at=datetime(2025, 2, 1, 9, tzinfo=UTC),
    )
    message = await f.add(
        conn,
        m.Message,
        thread_id=thread,
        sender_kind="party",
        body=body,
        sent_at=datetime(2025, 2, 1, 9, tzinfo=UTC),
    )
    return Family(
        case_id, number, order, payment, thread, message, obligor, obligee, child
    )


async def seed(conn: AsyncConnection, issuer: str) -> World:
    """Both families; parent A, A's caseworker and the partner linked."""
    office_a = await f.agency(conn, county="Travis")
    worker_a = await f.staff(conn, office_a)
    office_b = await f.agency(conn, county="Bexar")
    worker_b = await f.staff(
        conn, office_b, first_name="Casimir", last_name="Oddlebury"
    )
    a = await _family(
        conn,
        office_a,
        worker_a,
        A_CASE,
        _People(
            obligor={"first_name": "Alma", "last_name": "Reyes"},
            obligee={"first_name": "Bruno", "last_name": "Reyes"},
            child={"first_name": "Cora", "last_name": "Reyes"},
        ),
        order_number="SO-A0041001",
        reference="PTA000041001",
        subject="A question about my order",
        body="When is my next payment due?",
    )
    b = await _family(
        conn,
        office_b,
        worker_b,
        B_CASE,
        _People(
            obligor={
                "first_name": "Zebulon",
                "last_name": "Quillfeather",
                "ssn_last4": "6813",
                "email": "zebulon.q@b-family.example",
                "address_line1": "77 Obscura Way",
            },
            obligee={"first_name": "Isadora", "last_name": "Vantablack"},
            child={"first_name": "Wrenna", "last_name": "Quillfeather"},
        ),
        order_number="SO-B0077001",
        reference="PTB000077001",
        subject="Zebulon's private question",
        body="the B family's secret message",
    )
    employer = await f.add(conn, m.Employer, name="Quillfeather Glassworks")
    await f.add(
        conn,
        m.Employment,
        party_id=b.obligor_id,
        employer_id=employer,
        start_date=date(2024, 6, 1),
    )
    partner = await r.partner(conn, code="OK-CSS")
    await r.share(conn, partner, a.case_id, ["case:read", "pii:read", "fti:read"])
    await link(conn, issuer, PARENT_A, a.obligor_id)
    await r.link_staff(conn, issuer, WORKER_A, worker_a)
    await r.link_agency(conn, issuer, PARTNER, partner)
    return World(a, b)


def tokens(issuer: TestIssuer) -> dict[str, str | None]:
    """A bearer token for each kind of caller (``None``: anonymous)."""
    return {
        "anonymous": None,
        "parent": issuer.mint(PARENT_A),
        "caseworker": issuer.mint(WORKER_A),
        "partner": r.partner_token(issuer, PARTNER),
    }


async def b_snapshot(conn: AsyncConnection, world: World) -> dict[str, Any]:
    """Every row of family B's people, case and order, as JSON, to compare
    before and after a run of someone else's mutations."""
    plans = (
        [(table, column, world.b_party_ids) for table, column in _B_PARTY_ROWS]
        + [(table, column, [world.b.case_id]) for table, column in _B_CASE_ROWS]
        + [(table, column, [world.b.order_id]) for table, column in _B_ORDER_ROWS]
    )
    snapshot: dict[str, Any] = {}
    for table, column, keys in plans:
        # names from the constants above, never from input
        query = text(
            f"SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.id), '[]'::jsonb) "
            f"FROM {table} t WHERE t.{column} = ANY(:keys)"
        )
        snapshot[f"{table}.{column}"] = await conn.scalar(query, {"keys": keys})
    return snapshot


async def add_payments(
    engine: AsyncEngine, family: Family, count: int, *, year: int, source: str
) -> None:
    """``count`` posted payments of 25.00 from ``family``'s obligor on its
    order, collected in March of ``year``."""
    async with engine.begin() as conn:
        for n in range(count):
            on = date(year, 3, 1 + n % 28)
            await f.payment(
                conn,
                family.order_id,
                family.obligor_id,
                amount=Decimal("25.00"),
                collected_on=on,
                posted_on=on,
                source=source,
                status="posted",
            )
