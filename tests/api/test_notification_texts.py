"""What notifications say, whoever queued them: never another person's name,
address or contact details, nor a message's text. Every change in the tree
that queues a notification runs here on a case whose receiving parent is
protected by a family-violence indicator, and the outbox is read back."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import notifications as n
from tests.support import roles as r
from tests.support.api import Api, running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer

PAY = """
mutation($input: MakePaymentInput!) { makePayment(input: $input) { errors { code } } }
"""
REPLY = """
mutation($input: ReplyToMessageInput!) {
  replyToMessage(input: $input) { errors { code } }
}
"""
CONTACT = """
mutation($input: UpdateContactInformationInput!) {
  updateContactInformation(input: $input) { errors { code } }
}
"""
DISBURSEMENT = """
mutation($input: UpdateDisbursementPreferenceInput!) {
  updateDisbursementPreference(input: $input) { errors { code } }
}
"""
REPLY_TEXT = "Your new address in Quietville is on file, Rosa."
NEW_ADDRESS = {
    "line1": "12 Quiet Court",
    "city": "Quietville",
    "state": "TX",
    "postalCode": "78799",
}
NEW_EMAIL = "rosa.new@mail.example"
NEW_PHONE = "512-555-0177"


async def _world(engine: AsyncEngine, issuer: TestIssuer) -> dict[str, int]:
    """Marcus pays Rosa on a case of the office; Rosa is protected; both
    can get texts; Rosa has a thread with the office."""
    async with engine.begin() as conn:
        office = await f.agency(conn)
        worker = await f.staff(conn, office)
        case_id = await f.case(conn, office, worker)
        marcus = await n.reachable_party(
            conn,
            first_name="Marcus",
            last_name="Reyes",
            address_line1="5 Payer Road",
            email="marcus@mail.example",
            phone="512-555-0111",
        )
        rosa = await n.reachable_party(
            conn,
            first_name="Rosa",
            last_name="Delgado",
            address_line1="77 Hidden Lane",
            email="rosa@mail.example",
            phone="512-555-0122",
        )
        await r.protect(conn, rosa, worker)
        await r.on_case(conn, case_id, marcus, "obligor")
        await r.on_case(conn, case_id, rosa, "obligee")
        order = await f.order(conn, case_id, effective_date=date(2025, 1, 1))
        await f.obligation(conn, order, start_date=date(2025, 1, 1))
        await f.ledger(
            conn,
            order,
            entry_type="accrual",
            entry_date=date(2025, 1, 1),
            bucket="current_support",
            amount=Decimal("400.00"),
        )
        thread = await r.thread(conn, rosa, case_id)
        for party in (marcus, rosa):
            for topic in ("payment_received", "new_message", "security_alert"):
                await f.add(
                    conn,
                    m.NotificationPreference,
                    party_id=party,
                    topic=topic,
                    channel="sms",
                    opted_in=True,
                )
        await link(conn, issuer.url, "marcus", marcus)
        await link(conn, issuer.url, "rosa", rosa)
        await r.link_staff(conn, issuer.url, "worker", worker)
    return {"marcus": marcus, "rosa": rosa, "order": order, "thread": thread}


async def _change(api: Api, document: str, token: str, **values: Any) -> None:
    data = await api.query(document, token, input=values)
    (payload,) = data.values()
    assert payload["errors"] == [], payload


async def _parties(engine: AsyncEngine) -> dict[int, dict[str, Any]]:
    async with engine.connect() as conn:
        result = await conn.execute(select(m.Party.__table__))
        return {row.id: dict(row._mapping) for row in result}


def _details(party: dict[str, Any]) -> list[str]:
    """What would identify or locate the person in a text."""
    digits = re.sub(r"\D", "", party["phone"] or "")
    values = [
        party["first_name"],
        party["last_name"],
        party["address_line1"],
        party["email"],
        digits[-7:],
    ]
    return [re.sub(r"[\s().+-]", "", value.lower()) for value in values if value]


async def test_notifications_never_name_or_locate_anyone_but_their_recipient(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Marcus paying Rosa, who is protected, both wanting every notice
    world = await _world(engine, issuer)
    before = await _parties(engine)
    marcus, rosa = issuer.mint("marcus"), issuer.mint("rosa")
    async with running_api(engine, issuer.url) as api:
        # when Marcus pays, the caseworker writes to Rosa, and Rosa moves,
        # changes her e-mail and phone, and chooses a prepaid card
        await _change(
            api,
            PAY,
            marcus,
            orderId=ids.encode("Order", world["order"]),
            amount="125.00",
            paymentMethodToken="tok_sandbox_approve",
            idempotencyKey=str(uuid.uuid4()),
        )
        await _change(
            api,
            REPLY,
            issuer.mint("worker"),
            threadId=ids.encode("MessageThread", world["thread"]),
            body=REPLY_TEXT,
        )
        await _change(
            api,
            CONTACT,
            rosa,
            version=1,
            mailingAddress=NEW_ADDRESS,
            email=NEW_EMAIL,
            phone=NEW_PHONE,
        )
        await _change(api, DISBURSEMENT, rosa, method="PREPAID_CARD")

    # then each of them was told something, on both channels
    rows = await n.outbox(engine)
    told = {(row["party_id"], row["topic"].value) for row in rows}
    assert {
        (world["marcus"], "payment_received"),
        (world["rosa"], "payment_received"),
        (world["rosa"], "new_message"),
        (world["rosa"], "security_alert"),
    } <= told
    assert {row["channel"].value for row in rows} == {"email", "sms"}
    # and no text names or locates anyone but its recipient, Rosa's new
    # address included, nor repeats the caseworker's message
    parties = await _parties(engine)
    rosa_moved_to = ["12quietcourt", "quietville"]
    for row in rows:
        # phone numbers are compared without their separators
        text = re.sub(r"[\s().+-]", "", f"{row['subject']}\n{row['body']}".lower())
        others = [pk for pk in parties if pk != row["party_id"]]
        for pk in others:
            for detail in _details(before[pk]) + _details(parties[pk]):
                assert detail not in text, (row["dedupe_key"], detail)
        if row["party_id"] != world["rosa"]:
            assert not any(part in text for part in rosa_moved_to), row["dedupe_key"]
        assert re.sub(r"[\s().+-]", "", REPLY_TEXT.lower()) not in text
    # and each went to its recipient's own address or number (as on file
    # before, or as Rosa just gave it: codes, alerts)
    own = {
        pk: {p["email"], p["phone"], parties[pk]["email"], parties[pk]["phone"]}
        for pk, p in before.items()
    }
    own[world["rosa"]] |= {NEW_EMAIL}
    assert all(row["destination"] in own[row["party_id"]] for row in rows)
