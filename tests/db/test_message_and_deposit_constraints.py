"""What the database refuses of messages and direct-deposit details, whatever
the application checks first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from tests.support import factories as f
from tests.support import roles as r

SENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def _thread(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.begin() as conn:
        office = await f.agency(conn)
        worker = await f.staff(conn, office)
        case_id = await f.case(conn, office, worker)
        party = await f.party(conn)
        return await r.thread(conn, party, case_id), worker


@pytest.mark.parametrize("length", [0, 10_001])
async def test_a_message_body_is_1_to_10000_characters(
    engine: AsyncEngine, length: int
) -> None:
    thread_id, _ = await _thread(engine)
    with pytest.raises(IntegrityError, match="ck_messages_body_length"):
        async with engine.begin() as conn:
            await f.add(
                conn,
                m.Message,
                thread_id=thread_id,
                sender_kind="party",
                body="é" * length,
                sent_at=SENT,
            )
    # and the bounds themselves fit (counted in characters, not bytes)
    async with engine.begin() as conn:
        for fits in (1, 10_000):
            await f.add(
                conn,
                m.Message,
                thread_id=thread_id,
                sender_kind="party",
                body="é" * fits,
                sent_at=SENT,
            )


async def test_a_staff_message_names_its_sender(engine: AsyncEngine) -> None:
    thread_id, worker = await _thread(engine)
    for kind, staff in (("staff", None), ("party", worker)):
        with pytest.raises(IntegrityError, match="ck_messages_sender_matches"):
            async with engine.begin() as conn:
                await f.add(
                    conn,
                    m.Message,
                    thread_id=thread_id,
                    sender_kind=kind,
                    sender_staff_id=staff,
                    body="Hi.",
                    sent_at=SENT,
                )


async def test_deposit_details_are_digits_and_known_account_types(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        party = await f.party(conn)
    bad = {
        "ck_disbursement_preferences_routing_number_digits": {
            "routing_number": "02100002X"
        },
        "ck_disbursement_preferences_account_last4_digits": {"account_last4": "12a4"},
        "bank_account_type": {"account_type": "brokerage"},
    }
    for constraint, values in bad.items():
        columns = ", ".join(values)
        params = ", ".join(f":{c}" for c in values)
        with pytest.raises(IntegrityError, match=constraint):
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO disbursement_preferences "
                        f"(party_id, method, {columns}) "
                        f"VALUES (:party, 'direct_deposit', {params})"
                    ),
                    {"party": party, **values},
                )
