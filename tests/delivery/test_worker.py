"""The outbox worker in-process, against a real PostgreSQL and a real SMTP
server: delivery by e-mail and sandbox SMS, retries with back-off, dead
letters, two workers at once, and the one window where a repeat can happen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from db.enums import NotificationChannel, NotificationTopic
from delivery.email import SmtpMailer, message_id
from delivery.sms import SandboxSmsAdapter
from delivery.worker import Outcome, RetryPolicy, Worker
from settings import Settings
from tests.support import factories as f
from tests.support import notifications as n
from tests.support.gateway_process import free_port
from tests.support.notifications import SmtpServer

SMS_ON = {
    "topic": NotificationTopic.PAYMENT_RECEIVED,
    "channel": NotificationChannel.SMS,
    "opted_in": True,
}


def make_worker(
    engine: AsyncEngine,
    settings: Settings,
    *,
    max_attempts: int = 8,
    base_seconds: float = 0.0,
) -> Worker:
    """A worker without jitter; by default every retry is due at once."""
    return Worker(
        engine,
        SmtpMailer(settings),
        SandboxSmsAdapter(engine),
        RetryPolicy(max_attempts=max_attempts, base_seconds=base_seconds),
        jitter=lambda: 1.0,
    )


async def _party_with_sms(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        party = await n.reachable_party(conn, email="pat@mail.example")
        await f.add(conn, m.NotificationPreference, party_id=party, **SMS_ON)
    return party


async def test_delivers_email_over_smtp_and_texts_through_the_sandbox(
    engine: AsyncEngine,
) -> None:
    # given a party who wants payment news by e-mail and text, and two events
    party = await _party_with_sms(engine)
    assert await n.queue_events(engine, party, 2) == 4

    with SmtpServer() as smtp:
        worker = make_worker(engine, n.worker_settings(engine, smtp.port))
        # when the worker drains the outbox
        done = await worker.drain()

    # then each e-mail arrived once, to the party, with a Message-ID derived
    # from its dedupe key
    rows = await n.outbox(engine)
    assert done == {Outcome.SENT: 4}
    emails = [r for r in rows if r["channel"] is NotificationChannel.EMAIL]
    domain = "case-gateway.example"
    assert sorted(smtp.message_ids) == sorted(
        message_id(r["dedupe_key"], domain) for r in emails
    )
    assert {message.recipients for message in smtp.received} == {("pat@mail.example",)}
    assert smtp.received[0].subject == "A payment was received"
    assert smtp.received[0].body.startswith("A payment was received on your case.")
    assert smtp.received[0].auto_submitted == "auto-generated"
    # and each text is recorded once, to the number in E.164
    recorded = await n.texts(engine)
    sms_rows = [r for r in rows if r["channel"] is NotificationChannel.SMS]
    assert sorted(t["dedupe_key"] for t in recorded) == sorted(
        r["dedupe_key"] for r in sms_rows
    )
    assert {t["destination"] for t in recorded} == {n.PHONE_E164}
    # and the outbox shows them sent on the first try, their texts cleared
    assert {(r["status"].value, r["attempts"], r["body"]) for r in rows} == {
        ("sent", 1, "")
    }
    assert all(r["sent_at"] is not None and r["last_error"] is None for r in rows)


async def test_a_refusing_server_gets_retries_with_exponential_back_off(
    engine: AsyncEngine,
) -> None:
    # given one e-mail event and a server that refuses twice with 451
    async with engine.begin() as conn:
        party = await n.reachable_party(conn)
    await n.queue_events(engine, party, 1)
    with SmtpServer() as smtp:
        smtp.replies.extend(["451 4.3.0 Try again later"] * 2)
        worker = make_worker(
            engine, n.worker_settings(engine, smtp.port), base_seconds=60.0
        )

        # when the worker tries: the event waits base * 2^0 seconds
        assert await worker.drain() == {Outcome.RETRY: 1}
        first = (await n.outbox(engine))[0]
        # (and nothing is due before then)
        assert await worker.drain() == {}
        # then, when that time has come, it waits base * 2^1 seconds
        await _make_due(engine)
        assert await worker.drain() == {Outcome.RETRY: 1}
        second = (await n.outbox(engine))[0]
        # and the third try goes through
        await _make_due(engine)
        assert await worker.drain() == {Outcome.SENT: 1}

    assert (first["status"].value, first["attempts"]) == ("pending", 1)
    assert first["last_error"] == "smtp 451: 4.3.0 Try again later"
    assert _wait(first) == pytest.approx(60, abs=5)
    assert second["attempts"] == 2
    assert _wait(second) == pytest.approx(120, abs=5)
    sent = (await n.outbox(engine))[0]
    assert (sent["status"].value, sent["attempts"], sent["last_error"]) == (
        "sent",
        3,
        None,
    )
    # the server saw three tries and accepted one message
    assert smtp.data_commands == 3
    assert len(smtp.received) == 1


def _wait(row: dict[str, object]) -> float:
    """Seconds from now until the row's next try."""
    due = row["next_attempt_at"]
    assert isinstance(due, datetime)
    return (due - datetime.now(UTC)).total_seconds()


async def _make_due(engine: AsyncEngine) -> None:
    """Move every pending event's next try into the past (time passes)."""
    async with engine.begin() as conn:
        await conn.execute(
            update(m.OutboxEvent).values(
                next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
            )
        )


def test_back_off_doubles_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=20, base_seconds=2.0, max_seconds=100.0)
    assert [policy.delay(attempt, 1.0) for attempt in range(1, 9)] == [
        2.0,
        4.0,
        8.0,
        16.0,
        32.0,
        64.0,
        100.0,
        100.0,
    ]
    assert policy.delay(3, 0.8) == pytest.approx(6.4)
    assert policy.delay(3, 1.2) == pytest.approx(9.6)
    assert policy.delay(10_000, 1.2) == 100.0


async def test_an_event_is_dead_lettered_after_the_last_try(
    engine: AsyncEngine,
) -> None:
    # given a server that always answers 451, and three tries allowed
    async with engine.begin() as conn:
        party = await n.reachable_party(conn)
    await n.queue_events(engine, party, 1)
    with SmtpServer() as smtp:
        smtp.always = "451 4.7.1 Greylisted"
        worker = make_worker(
            engine, n.worker_settings(engine, smtp.port), max_attempts=3
        )
        # when the worker drains (no back-off: every retry is due at once)
        done = await worker.drain()

    # then it tried three times and gave up, the reason kept, the text kept
    # (a dead letter can be sent again once the cause is fixed)
    assert done == {Outcome.RETRY: 2, Outcome.DEAD: 1}
    row = (await n.outbox(engine))[0]
    assert (row["status"].value, row["attempts"]) == ("dead", 3)
    assert row["last_error"] == "smtp 451: 4.7.1 Greylisted"
    assert row["body"]
    assert row["sent_at"] is None
    assert smtp.data_commands == 3
    assert smtp.received == []


async def test_a_permanent_refusal_is_dead_at_once(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        party = await n.reachable_party(conn)
    await n.queue_events(engine, party, 1)
    with SmtpServer() as smtp:
        smtp.replies.append("554 5.6.0 Content refused")
        worker = make_worker(engine, n.worker_settings(engine, smtp.port))
        done = await worker.drain()

    assert done == {Outcome.DEAD: 1}
    row = (await n.outbox(engine))[0]
    assert (row["status"].value, row["attempts"]) == ("dead", 1)
    assert row["last_error"] == "smtp 554: 5.6.0 Content refused"


async def test_an_unreachable_server_is_retried_and_no_detail_is_stored(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        party = await n.reachable_party(conn)
    await n.queue_events(engine, party, 1)
    nothing_listens = free_port()
    settings = n.worker_settings(
        engine,
        nothing_listens,
        smtp_password="hunter2-secret",
        smtp_username="gateway",
    )
    worker = make_worker(engine, settings, base_seconds=30.0)

    assert await worker.drain() == {Outcome.RETRY: 1}
    row = (await n.outbox(engine))[0]
    assert row["status"].value == "pending"
    assert row["last_error"].startswith("smtp connection: ")
    assert "hunter2" not in row["last_error"]
    assert "127.0.0.1" not in row["last_error"]


async def test_two_workers_at_once_send_each_event_exactly_once(
    engine: AsyncEngine,
) -> None:
    # given 30 events, texts and e-mails, and a server that takes a while
    party = await _party_with_sms(engine)
    assert await n.queue_events(engine, party, 15) == 30
    with SmtpServer() as smtp:
        smtp.delay = 0.01
        settings = n.worker_settings(engine, smtp.port)
        first, second = make_worker(engine, settings), make_worker(engine, settings)
        # when two workers drain the outbox at the same time
        done = await asyncio.gather(first.drain(), second.drain())

    # then both did some of the work, and every event went out exactly once
    assert all(d[Outcome.SENT] > 0 for d in done)
    assert done[0][Outcome.SENT] + done[1][Outcome.SENT] == 30
    assert len(smtp.message_ids) == len(set(smtp.message_ids)) == 15
    assert len(await n.texts(engine)) == 15
    assert {(r["status"].value, r["attempts"]) for r in await n.outbox(engine)} == {
        ("sent", 1)
    }


class Crash(BaseException):
    """The process dying: nothing after it runs, no handler catches it."""


class CrashAfterSending:
    """A mailer whose process dies right after the server accepted the message
    (before the worker records it)."""

    def __init__(self, mailer: SmtpMailer) -> None:
        self.mailer = mailer

    async def send(self, to: str, subject: str, body: str, dedupe_key: str) -> None:
        await self.mailer.send(to, subject, body, dedupe_key)
        await self.mailer.close()
        raise Crash

    async def close(self) -> None:
        await self.mailer.close()


async def test_a_crash_after_acceptance_repeats_the_message_with_its_message_id(
    engine: AsyncEngine,
) -> None:
    """The residual window (``delivery.worker``): accepted by the server, not
    yet committed. The event is not lost, and its copy carries the same
    Message-ID, so receivers can drop it."""
    async with engine.begin() as conn:
        party = await n.reachable_party(conn)
    await n.queue_events(engine, party, 1)
    with SmtpServer() as smtp:
        settings = n.worker_settings(engine, smtp.port)
        crashing = make_worker(engine, settings)
        crashing.mailer = CrashAfterSending(SmtpMailer(settings))
        with pytest.raises(Crash):
            await crashing.deliver_one()
        # the row is pending again, as if the claim never happened
        row = (await n.outbox(engine))[0]
        assert (row["status"].value, row["attempts"]) == ("pending", 0)
        assert await make_worker(engine, settings).drain() == {Outcome.SENT: 1}

    assert len(smtp.received) == 2
    assert smtp.message_ids[0] == smtp.message_ids[1]


async def test_a_text_repeated_after_a_crash_is_recorded_once(
    engine: AsyncEngine,
) -> None:
    # given a text the sandbox recorded, then the worker died before the
    # outbox said so
    adapter = SandboxSmsAdapter(engine)
    await adapter.send(n.PHONE_E164, "first", "evt:party-1:sms")
    # when it is sent again with the same dedupe key
    await adapter.send(n.PHONE_E164, "again", "evt:party-1:sms")
    # then the sandbox holds it once, as first sent
    assert [(t["dedupe_key"], t["body"]) for t in await n.texts(engine)] == [
        ("evt:party-1:sms", "first")
    ]
