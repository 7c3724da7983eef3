"""Messages through the app: a parent starts a thread about their case, the
parent or their caseworker replies, messages are marked read by ID; plain text
only, limited per hour (also under concurrency), unread counts always the
unread rows; everyone else refused with nothing written."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from loaders import ids
from tests.support import roles as r
from tests.support.api import Api, running_api
from tests.support.issuer import TestIssuer
from tests.support.messaging import (
    World,
    audit_of,
    build,
    message,
    message_gid,
    snapshot,
)

SEND = """
mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) {
    thread {
      id topic subject caseNumber createdAt lastMessageAt unreadCount
      messages { id senderKind body sentAt readAt }
    }
    message { id senderKind body sentAt readAt }
    errors { code field message retryAt }
  }
}
"""
REPLY = """
mutation Reply($input: ReplyToMessageInput!) {
  replyToMessage(input: $input) {
    thread { id lastMessageAt unreadCount messages { id senderKind body } }
    message { id senderKind body sentAt readAt }
    errors { code field message retryAt }
  }
}
"""
MARK = """
mutation Mark($input: MarkMessagesReadInput!) {
  markMessagesRead(input: $input) {
    messages { id senderKind readAt }
    threads { id unreadCount }
    errors { code field message }
  }
}
"""
INBOX = """
{
  viewer {
    unreadMessageCount
    messageThreads {
      id subject topic caseNumber createdAt lastMessageAt unreadCount
      messages { id senderKind body sentAt readAt }
    }
  }
}
"""
THREAD = """
query($id: ID!) {
  node(id: $id) { ... on MessageThread { id unreadCount lastMessageAt } }
}
"""

TABLES = (m.MessageThread, m.Message, m.OutboxEvent, m.Case)


@pytest.fixture
async def world(engine: AsyncEngine, issuer: TestIssuer) -> World:
    return await build(engine, issuer)


async def send(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api.query(SEND, token, input=fields)
    return data["sendMessage"]  # type: ignore[no-any-return]


async def reply(api: Api, token: str, thread_id: str, body: str) -> dict[str, Any]:
    data = await api.query(REPLY, token, input={"threadId": thread_id, "body": body})
    return data["replyToMessage"]  # type: ignore[no-any-return]


async def mark(api: Api, token: str, *message_ids: str) -> dict[str, Any]:
    data = await api.query(MARK, token, input={"ids": list(message_ids)})
    return data["markMessagesRead"]  # type: ignore[no-any-return]


def question(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "caseNumber": world.case1_number,
        "topic": "PAYMENT_QUESTION",
        "subject": "  When is my next payment?  ",
        "body": "Hello,\r\nwhen will the June payment arrive?\n\tThanks, Dana\n",
    } | fields


def codes(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in result["errors"]]


async def rows(engine: AsyncEngine, model: type[m.Base]) -> list[Any]:
    async with engine.connect() as conn:
        table = model.__table__
        return list((await conn.execute(select(table).order_by(table.c.id))).all())


async def unread_rows(engine: AsyncEngine, party_id: int) -> int:
    """The agency's unread messages in the party's threads, counted directly."""
    async with engine.connect() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(m.Message)
            .join(m.MessageThread, m.MessageThread.id == m.Message.thread_id)
            .where(
                m.MessageThread.party_id == party_id,
                m.Message.sender_kind == "staff",
                m.Message.read_at.is_(None),
            )
        )
    return int(count or 0)


# sendMessage


async def test_a_parent_starts_a_thread_and_reads_it_back(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "dana")
    cases_before = await snapshot(engine, m.Case)
    async with running_api(engine, issuer.url) as api:
        # when Dana asks about a payment on her case
        result = await send(api, token, **question(world))
        # then her inbox lists the new thread, after the one with an unread answer
        inbox = await api.query(INBOX, token)

    assert result["errors"] == []
    thread, sent = result["thread"], result["message"]
    body = "Hello,\nwhen will the June payment arrive?\n\tThanks, Dana"
    assert sent["senderKind"] == "PARTY"
    assert (sent["body"], sent["readAt"]) == (body, None)
    assert thread["subject"] == "When is my next payment?"
    assert (thread["topic"], thread["caseNumber"]) == (
        "PAYMENT_QUESTION",
        world.case1_number,
    )
    assert thread["createdAt"] == thread["lastMessageAt"] == sent["sentAt"]
    assert thread["unreadCount"] == 0
    assert thread["messages"] == [sent]
    threads = inbox["viewer"]["messageThreads"]
    assert [t["id"] for t in threads] == [world.thread_gid, thread["id"]]
    assert threads[1] == {k: v for k, v in thread.items()}
    assert inbox["viewer"]["unreadMessageCount"] == 1
    # and the row is the party's, the case was touched, the audit has no text
    (row,) = [r for r in await rows(engine, m.MessageThread) if r.id != world.thread]
    assert (row.party_id, row.case_id, row.order_id) == (world.dana, world.case1, None)
    (stored,) = [r for r in await rows(engine, m.Message) if r.thread_id == row.id]
    assert (stored.sender_kind, stored.sender_staff_id) == ("party", None)
    assert await rows(engine, m.OutboxEvent) == []
    cases_after = await snapshot(engine, m.Case)
    touched = [
        a[0]
        for a, b in zip(cases_after["cases"], cases_before["cases"], strict=True)
        if a != b
    ]
    assert touched == [world.case1]
    (audit,) = await audit_of(engine, "send_message")
    assert (audit["outcome"], audit["case_id"], audit["object_type"]) == (
        "succeeded",
        world.case1,
        "MessageThread",
    )
    assert audit["object_id"] == row.id
    assert audit["detail"] == {"topic": "payment_question", "message": stored.id}
    assert "June" not in str(audit)


BAD_TEXT: dict[str, tuple[dict[str, str], list[tuple[str, str | None]]]] = {
    "empty body": ({"body": ""}, [("REQUIRED", "body")]),
    "blank subject": ({"subject": " \t\n "}, [("REQUIRED", "subject")]),
    "NUL in the body": ({"body": "a\x00b"}, [("INVALID", "body")]),
    "escape sequence in the body": ({"body": "\x1b[31mred"}, [("INVALID", "body")]),
    "bell in the subject": ({"subject": "hey\x07"}, [("INVALID", "subject")]),
    "two-line subject": ({"subject": "one\ntwo"}, [("INVALID", "subject")]),
    "body one over the limit": ({"body": "b" * 101}, [("TOO_LONG", "body")]),
    "subject one over the limit": ({"subject": "s" * 31}, [("TOO_LONG", "subject")]),
    "card number in the body": (
        {"body": "Please charge 4111 1111 1111 1111 for June."},
        [("CARD_NUMBER_NOT_ALLOWED", "body")],
    ),
    "card number in the subject": (
        {"subject": "card 5500005555555559"},
        [("CARD_NUMBER_NOT_ALLOWED", "subject")],
    ),
    "everything wrong at once": (
        {"subject": "", "body": "\x00" * 101},
        [("REQUIRED", "subject"), ("INVALID", "body"), ("TOO_LONG", "body")],
    ),
    "malformed case number": (
        {"caseNumber": "41-0000001"},
        [("NOT_FOUND", "caseNumber")],
    ),
    "no such case": ({"caseNumber": "9999999999"}, [("NOT_FOUND", "caseNumber")]),
    "NUL in the case number": (
        {"caseNumber": "\x00" * 10},
        [("NOT_FOUND", "caseNumber")],
    ),
}


@pytest.mark.parametrize("case", BAD_TEXT, ids=list(BAD_TEXT))
async def test_bad_input_is_refused_and_writes_nothing(
    engine: AsyncEngine, issuer: TestIssuer, world: World, case: str
) -> None:
    fields, expected = BAD_TEXT[case]
    before = await snapshot(engine, *TABLES)
    async with running_api(
        engine, issuer.url, message_max_subject_chars=30, message_max_body_chars=100
    ) as api:
        response = await api.post(
            SEND, world.token(issuer, "dana"), input=question(world, **fields)
        )
        # the limits hold at the limit itself
        fits = await send(
            api,
            world.token(issuer, "dana"),
            **question(world, subject="s" * 30, body="b" * 100),
        )
    assert fits["errors"] == []
    result = response.json()["data"]["sendMessage"]
    assert (result["thread"], result["message"]) == (None, None)
    assert codes(result) == expected
    assert all(e["message"] and e["retryAt"] is None for e in result["errors"])
    assert "4111" not in response.text
    assert "5500" not in response.text
    after = await snapshot(engine, *TABLES)
    # only the message that fit was added
    assert len(after["message_threads"]) == len(before["message_threads"]) + 1
    assert len(after["messages"]) == len(before["messages"]) + 1
    # the refusal is audited with its codes; it names the case only once the
    # caller is known to be on it
    denied = expected[0][0] == "NOT_FOUND"
    refusal, success = await audit_of(engine, "send_message")
    assert (refusal["outcome"], refusal["case_id"]) == (
        ("denied", None) if denied else ("failed", world.case1)
    )
    assert refusal["detail"] == {"errors": sorted({c.lower() for c, _ in expected})}
    assert success["outcome"] == "succeeded"


SEND_REFUSED: dict[str, tuple[str, str, str, str | None]] = {
    "another parent, on another case": ("erin", "case1", "NOT_FOUND", "caseNumber"),
    "the caseworker (parents start threads)": ("worker", "case1", "FORBIDDEN", None),
    "a caseworker of another office": ("other-worker", "case1", "FORBIDDEN", None),
    "a partner agency sharing the case": ("partner", "case1", "FORBIDDEN", None),
}


@pytest.mark.parametrize("case", SEND_REFUSED, ids=list(SEND_REFUSED))
async def test_only_a_parent_on_the_case_starts_a_thread(
    engine: AsyncEngine, issuer: TestIssuer, world: World, case: str
) -> None:
    login, _, code, field = SEND_REFUSED[case]
    before = await snapshot(engine, *TABLES)
    async with running_api(engine, issuer.url) as api:
        result = await send(api, world.token(issuer, login), **question(world))
    assert codes(result) == [(code, field)]
    assert await snapshot(engine, *TABLES) == before
    (audit,) = await audit_of(engine, "send_message")
    assert (audit["outcome"], audit["case_id"]) == ("denied", None)


# replyToMessage


async def test_a_parent_replies_in_her_thread(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "dana")
    async with running_api(engine, issuer.url) as api:
        result = await reply(api, token, world.thread_gid, "  One more thing.\n")
        inbox = await api.query(INBOX, token)

    assert result["errors"] == []
    sent = result["message"]
    assert (sent["senderKind"], sent["body"]) == ("PARTY", "One more thing.")
    assert result["thread"]["lastMessageAt"] == sent["sentAt"]
    assert [msg["id"] for msg in result["thread"]["messages"]][-1] == sent["id"]
    (thread,) = inbox["viewer"]["messageThreads"]
    assert thread["lastMessageAt"] == sent["sentAt"]
    assert thread["unreadCount"] == 1  # her own reply is not unread to her
    # no notification for the parent's own message; the audit names the message
    assert await rows(engine, m.OutboxEvent) == []
    (audit,) = await audit_of(engine, "reply_to_message")
    assert (audit["object_type"], audit["object_id"]) == (
        "Message",
        int(ids.decode(sent["id"])[1]),  # type: ignore[index]
    )
    assert audit["detail"] == {"thread": world.thread}


async def test_a_caseworker_replies_and_the_parent_is_told_without_the_text(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    text = "Your June payment of $412.50 was sent to account ending 6789."
    async with running_api(engine, issuer.url) as api:
        # when Dana's caseworker answers in her thread
        result = await reply(api, world.token(issuer, "worker"), world.thread_gid, text)
        # then the caseworker sees the parent's unread message count (1: the
        # follow-up nobody at the agency has read), and Dana has two unread
        staff_view = await api.query(
            THREAD, world.token(issuer, "worker"), id=world.thread_gid
        )
        inbox = await api.query(INBOX, world.token(issuer, "dana"))

    assert result["errors"] == []
    assert result["message"]["senderKind"] == "STAFF"
    assert staff_view["node"]["unreadCount"] == 1
    assert inbox["viewer"]["unreadMessageCount"] == 2
    (thread,) = inbox["viewer"]["messageThreads"]
    assert thread["unreadCount"] == 2
    assert thread["messages"][-1]["body"] == text
    # the row records the staff member
    newest = (await rows(engine, m.Message))[-1]
    assert (newest.sender_kind, newest.sender_staff_id) == ("staff", world.worker)
    # the outbox tells Dana there is a message, and nothing of it
    (notice,) = await rows(engine, m.OutboxEvent)
    assert (notice.party_id, notice.topic, notice.channel) == (
        world.dana,
        "new_message",
        "email",
    )
    assert notice.dedupe_key.startswith(f"message:{newest.id}:")
    for fragment in ("412", "6789", "June", "payment of"):
        assert fragment not in notice.subject + notice.body
    assert "log in" in notice.body.lower()
    (audit,) = await audit_of(engine, "reply_to_message")
    assert (audit["actor_kind"], audit["actor_id"], audit["case_id"]) == (
        "staff",
        world.worker,
        world.case1,
    )
    assert audit["detail"] == {"thread": world.thread, "for_party": world.dana}


REPLY_REFUSED: dict[str, tuple[str, str, str, str | None]] = {
    "another parent": ("erin", "thread", "NOT_FOUND", "threadId"),
    "the other parent on the same case": ("oscar", "thread", "NOT_FOUND", "threadId"),
    "a caseworker of another office": (
        "other-worker",
        "thread",
        "NOT_FOUND",
        "threadId",
    ),
    "a partner agency sharing the case": ("partner", "thread", "FORBIDDEN", None),
    "a malformed thread id": ("dana", "garbage", "NOT_FOUND", "threadId"),
    "a message id for a thread id": ("dana", "message", "NOT_FOUND", "threadId"),
    "a thread that does not exist": ("dana", "missing", "NOT_FOUND", "threadId"),
}


@pytest.mark.parametrize("case", REPLY_REFUSED, ids=list(REPLY_REFUSED))
async def test_only_the_threads_parent_or_its_caseworkers_reply(
    engine: AsyncEngine, issuer: TestIssuer, world: World, case: str
) -> None:
    login, target, code, field = REPLY_REFUSED[case]
    thread_id = {
        "thread": world.thread_gid,
        "garbage": "not-an-id!",
        "message": message_gid(world.answered),
        "missing": ids.encode("MessageThread", 10**12),
    }[target]
    before = await snapshot(engine, *TABLES)
    async with running_api(engine, issuer.url) as api:
        result = await reply(api, world.token(issuer, login), thread_id, "Hi.")
    assert (result["thread"], result["message"]) == (None, None)
    assert codes(result) == [(code, field)]
    assert await snapshot(engine, *TABLES) == before
    (audit,) = await audit_of(engine, "reply_to_message")
    assert (audit["outcome"], audit["case_id"]) == ("denied", None)


async def test_a_reply_with_bad_text_writes_nothing(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    before = await snapshot(engine, *TABLES)
    async with running_api(engine, issuer.url, message_max_body_chars=10) as api:
        results = [
            await reply(api, world.token(issuer, "worker"), world.thread_gid, body)
            for body in ("", "a\x00b", "b" * 11, "4111111111111111")
        ]
    assert [codes(r) for r in results] == [
        [("REQUIRED", "body")],
        [("INVALID", "body")],
        [("TOO_LONG", "body")],
        [("TOO_LONG", "body"), ("CARD_NUMBER_NOT_ALLOWED", "body")],
    ]
    assert await snapshot(engine, *TABLES) == before
    audits = await audit_of(engine, "reply_to_message")
    assert [(a["outcome"], a["case_id"]) for a in audits] == [
        ("failed", world.case1)
    ] * 4


# markMessagesRead


async def test_a_parent_marks_the_agencys_message_read_once(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "dana")
    unread = message_gid(world.answered_again)
    own = message_gid(world.followed_up)
    async with running_api(engine, issuer.url) as api:
        # when Dana marks the unread answer (and, harmlessly, her own message)
        first = await mark(api, token, unread, own)
        inbox = await api.query(INBOX, token)
        # and marks it again later
        again = await mark(api, token, unread)

    assert first["errors"] == []
    by_id = {msg["id"]: msg for msg in first["messages"]}
    assert list(by_id) == [unread, own]
    assert by_id[unread]["readAt"] is not None
    assert by_id[own]["readAt"] is None  # the agency has not read hers
    assert first["threads"] == [{"id": world.thread_gid, "unreadCount": 0}]
    assert inbox["viewer"]["unreadMessageCount"] == 0
    assert inbox["viewer"]["messageThreads"][0]["unreadCount"] == 0
    # then the first read time stays
    assert again["errors"] == []
    assert again["messages"][0]["readAt"] == by_id[unread]["readAt"]
    assert await unread_rows(engine, world.dana) == 0
    audits = await audit_of(engine, "mark_messages_read")
    assert [
        (a["outcome"], a["case_id"], a["object_id"], a["detail"]) for a in audits
    ] == [
        ("succeeded", world.case1, world.thread, {"marked": 1}),
        ("succeeded", world.case1, world.thread, {"marked": 0}),
    ]


async def test_a_caseworker_marks_the_parents_message_read(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "worker")
    async with running_api(engine, issuer.url) as api:
        result = await mark(
            api,
            token,
            message_gid(world.followed_up),
            message_gid(world.answered_again),
        )
        inbox = await api.query(INBOX, world.token(issuer, "dana"))
    assert result["errors"] == []
    read = {msg["id"]: msg["readAt"] for msg in result["messages"]}
    assert read[message_gid(world.followed_up)] is not None
    # the agency's own answer stays unread for Dana
    assert read[message_gid(world.answered_again)] is None
    assert result["threads"] == [{"id": world.thread_gid, "unreadCount": 0}]
    assert inbox["viewer"]["unreadMessageCount"] == 1
    (audit,) = await audit_of(engine, "mark_messages_read")
    assert audit["detail"] == {"marked": 1, "for_party": world.dana}


MARK_REFUSED: dict[str, tuple[str, list[str], str, str | None]] = {
    "another parent": ("erin", ["answered_again"], "NOT_FOUND", "ids"),
    "the other parent on the case": ("oscar", ["answered_again"], "NOT_FOUND", "ids"),
    "a caseworker of another office": (
        "other-worker",
        ["followed_up"],
        "NOT_FOUND",
        "ids",
    ),
    "a partner agency sharing the case": (
        "partner",
        ["answered_again"],
        "FORBIDDEN",
        None,
    ),
    "one of hers and one of Erin's": (
        "dana",
        ["answered_again", "erins"],
        "NOT_FOUND",
        "ids",
    ),
    "a message that does not exist": (
        "dana",
        ["answered_again", "missing"],
        "NOT_FOUND",
        "ids",
    ),
    "a thread id for a message id": ("dana", ["thread"], "NOT_FOUND", "ids"),
    "a malformed id": ("dana", ["answered_again", "garbage"], "NOT_FOUND", "ids"),
    "no ids": ("dana", [], "REQUIRED", "ids"),
    "too many ids": ("dana", ["answered_again"] * 101, "INVALID", "ids"),
}


@pytest.mark.parametrize("case", MARK_REFUSED, ids=list(MARK_REFUSED))
async def test_marking_what_is_not_yours_changes_nothing(
    engine: AsyncEngine, issuer: TestIssuer, world: World, case: str
) -> None:
    login, names, code, field = MARK_REFUSED[case]
    async with engine.begin() as conn:
        erins_thread = await r.thread(conn, world.erin, world.case2)
        erins = await message(conn, erins_thread, staff_id=world.worker)
    message_ids = [
        {
            "erins": message_gid(erins),
            "missing": message_gid(10**12),
            "thread": world.thread_gid,
            "garbage": "%%%",
        }.get(name)
        or message_gid(getattr(world, name))
        for name in names
    ]
    before = await snapshot(engine, *TABLES)
    async with running_api(engine, issuer.url) as api:
        result = await mark(api, world.token(issuer, login), *message_ids)
    assert (result["messages"], result["threads"]) == ([], [])
    assert codes(result) == [(code, field)]
    assert await snapshot(engine, *TABLES) == before
    (audit,) = await audit_of(engine, "mark_messages_read")
    expected = "failed" if code in ("REQUIRED", "INVALID") else "denied"
    assert (audit["outcome"], audit["case_id"]) == (expected, None)


# the hourly limit


async def test_the_hourly_limit_counts_sends_and_replies_and_says_when(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "dana")
    # given a message Dana sent 59 minutes ago, and one 61 minutes ago
    async with engine.begin() as conn:
        now: datetime = (await conn.execute(select(func.now()))).scalar_one()
        await message(conn, world.thread, sent_at=now - timedelta(minutes=61))
        recent = now - timedelta(minutes=59)
        await message(conn, world.thread, sent_at=recent)
    async with running_api(engine, issuer.url, messages_per_hour=3) as api:
        # when she sends a new thread and a reply (three within the hour)
        sent = await send(api, token, **question(world))
        replied = await reply(api, token, world.thread_gid, "And another thing.")
        before = await snapshot(engine, *TABLES)
        # then the fourth within the hour is refused, either way
        refused_send = await send(api, token, **question(world))
        refused_reply = await reply(api, token, world.thread_gid, "Hello?")
        # while her caseworker, counted apart, still replies
        worker = await reply(
            api, world.token(issuer, "worker"), world.thread_gid, "Yes?"
        )

    assert sent["errors"] == []
    assert replied["errors"] == []
    for refused in (refused_send, refused_reply):
        (error,) = refused["errors"]
        assert (error["code"], error["field"]) == ("RATE_LIMITED", None)
        # one more may go when the one sent 59 minutes ago is an hour old
        assert error["retryAt"] == (recent + timedelta(hours=1)).isoformat()
    assert worker["errors"] == []
    after = await snapshot(engine, *TABLES)
    assert after["messages"][: len(before["messages"])] == before["messages"]
    assert len(after["messages"]) == len(before["messages"]) + 1
    assert len(after["message_threads"]) == len(before["message_threads"])
    outcomes = [a["outcome"] for a in await audit_of(engine, "send_message")]
    assert outcomes == ["succeeded", "locked"]


async def test_caseworkers_have_their_own_hourly_limit(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    worker = world.token(issuer, "worker")
    async with running_api(
        engine, issuer.url, messages_per_hour=1, staff_messages_per_hour=2
    ) as api:
        # when the caseworker replies three times within the hour
        replies = [
            await reply(api, worker, world.thread_gid, f"Update {n}") for n in range(3)
        ]
    # then the staff limit, not the parents', decides
    assert [r["errors"] for r in replies[:2]] == [[], []]
    assert [e["code"] for e in replies[2]["errors"]] == ["RATE_LIMITED"]


async def test_the_limit_holds_under_concurrent_sends(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    limit = 5
    token = world.token(issuer, "dana")
    async with running_api(engine, issuer.url, messages_per_hour=limit) as api:
        # when Dana's devices fire limit + 5 sends and replies at once
        results = await asyncio.gather(
            *(
                send(api, token, **question(world, subject=f"Question {n}"))
                if n % 2
                else reply(api, token, world.thread_gid, f"Reply {n}")
                for n in range(limit + 5)
            )
        )
    # then exactly the limit went through, the rest were told when to retry
    accepted = [r for r in results if r["errors"] == []]
    refused = [r for r in results if r["errors"]]
    assert len(accepted) == limit
    assert {r["errors"][0]["code"] for r in refused} == {"RATE_LIMITED"}
    assert all(r["errors"][0]["retryAt"] for r in refused)
    async with engine.connect() as conn:
        party_messages = await conn.scalar(
            select(func.count())
            .select_from(m.Message)
            .join(m.MessageThread, m.MessageThread.id == m.Message.thread_id)
            .where(
                m.MessageThread.party_id == world.dana,
                m.Message.sender_kind == "party",
            )
        )
    assert party_messages == 1 + limit  # the follow-up from before, and these


# unread counts


async def test_unread_counts_stay_exact_under_concurrent_replies_and_reads(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    # given twenty unread answers in Dana's thread
    async with engine.begin() as conn:
        waiting = [
            await message(conn, world.thread, staff_id=world.worker, body=f"Answer {n}")
            for n in range(20)
        ]
    dana, worker = world.token(issuer, "dana"), world.token(issuer, "worker")

    # (no execution check: the data changes between the two runs on purpose)
    async with running_api(
        engine, issuer.url, messages_per_hour=100, execution_check=False
    ) as api:

        async def read_inbox() -> dict[str, Any]:
            return (await api.query(INBOX, dana))["viewer"]  # type: ignore[no-any-return]

        # when the caseworker sends fifteen replies while Dana marks the
        # twenty in overlapping pairs and reads her inbox, all at once
        jobs: list[Any] = [
            reply(api, worker, world.thread_gid, f"Update {n}") for n in range(15)
        ]
        jobs += [
            mark(api, dana, message_gid(waiting[n]), message_gid(waiting[(n + 1) % 20]))
            for n in range(0, 20, 2)
        ]
        jobs += [mark(api, dana, message_gid(waiting[n])) for n in range(1, 20, 4)]
        jobs += [read_inbox() for _ in range(10)]
        results = await asyncio.gather(*jobs)
        final = await read_inbox()
        staff_view = await api.query(THREAD, worker, id=world.thread_gid)

    # then every change went through
    assert all(r.get("errors", []) == [] for r in results[:-10])
    # and every inbox read agreed with itself: the total is its threads' sum
    for inbox in [*results[-10:], final]:
        assert inbox["unreadMessageCount"] == sum(
            t["unreadCount"] for t in inbox["messageThreads"]
        )
    # and at the end the count is the unread rows: the fifteen new replies
    # and the answer from before; none of the twenty marked is unread
    assert await unread_rows(engine, world.dana) == 16
    assert final["unreadMessageCount"] == 16
    assert final["messageThreads"][0]["unreadCount"] == 16
    # and the agency's view counts Dana's one unread follow-up
    assert staff_view["node"]["unreadCount"] == 1
