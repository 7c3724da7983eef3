"""``notify`` queues exactly what a party reads of their preferences, to the
destinations they can receive on."""

from __future__ import annotations

import itertools

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from db.enums import NotificationChannel as C
from db.enums import NotificationTopic as T
from delivery.outbox import notify
from domain.notification_preferences import Stored, full_set
from tests.support import factories as f
from tests.support import notifications as n

#: A stored choice per channel: none (the default), on, off.
STATES = (None, True, False)


async def test_notify_queues_exactly_the_channels_a_party_reads_as_enabled(
    engine: AsyncEngine,
) -> None:
    # given nine parties, one per combination of stored e-mail and text
    # choices, the same for every topic; all with e-mail and a confirmed phone
    combinations = list(itertools.product(STATES, STATES))
    parties: list[int] = []
    async with engine.begin() as conn:
        for email_choice, sms_choice in combinations:
            party = await n.reachable_party(conn)
            parties.append(party)
            for topic in T:
                for channel, choice in ((C.EMAIL, email_choice), (C.SMS, sms_choice)):
                    if choice is not None:
                        await f.add(
                            conn,
                            m.NotificationPreference,
                            party_id=party,
                            topic=topic,
                            channel=channel,
                            opted_in=choice,
                        )
        # when every topic happens to every one of them
        for party, topic in itertools.product(parties, T):
            await notify(conn, party, topic, f"evt-{topic}", "Subject", "Body")

    # then what was queued is what each reads as enabled, topic by topic
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                select(
                    m.NotificationPreference.party_id,
                    m.NotificationPreference.topic,
                    m.NotificationPreference.channel,
                    m.NotificationPreference.opted_in,
                    m.NotificationPreference.updated_at,
                )
            )
        ).all()
    queued = {(r["party_id"], r["topic"], r["channel"]) for r in await n.outbox(engine)}
    for party in parties:
        own = [Stored(*row[1:]) for row in stored if row.party_id == party]
        enabled = {(party, p.topic, p.channel) for p in full_set(own) if p.enabled}
        assert {q for q in queued if q[0] == party} == enabled
    # (security alerts went by e-mail even to those who had said no)
    assert {(p, T.SECURITY_ALERT, C.EMAIL) for p in parties} <= queued


async def test_texts_go_only_to_a_confirmed_phone_and_e_mail_only_if_known(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        unconfirmed = await n.reachable_party(conn, phone_confirmed=False)
        no_email = await n.reachable_party(conn, email=None)
        for party in (unconfirmed, no_email):
            await f.add(
                conn,
                m.NotificationPreference,
                party_id=party,
                topic=T.NEW_MESSAGE,
                channel=C.SMS,
                opted_in=True,
            )
        for party in (unconfirmed, no_email):
            await notify(conn, party, T.NEW_MESSAGE, "evt", "Subject", "Body")

    rows = await n.outbox(engine)
    assert {(r["party_id"], r["channel"], r["destination"]) for r in rows} == {
        (unconfirmed, C.EMAIL, await _email_of(engine, unconfirmed)),
        (no_email, C.SMS, n.PHONE),
    }


async def test_the_same_event_is_queued_once_per_recipient_and_channel(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        party = await n.reachable_party(conn)
        first = await notify(conn, party, T.CASE_UPDATE, "evt-1", "S", "B")
    async with engine.begin() as conn:
        again = await notify(conn, party, T.CASE_UPDATE, "evt-1", "S", "B")
    assert (first, again) == (1, 0)
    assert len(await n.outbox(engine)) == 1


async def _email_of(engine: AsyncEngine, party: int) -> str:
    async with engine.connect() as conn:
        email = await conn.scalar(select(m.Party.email).where(m.Party.id == party))
    assert email is not None
    return email
