"""Writing messages: one sender at a time, counted, and the thread kept current.

A sender is a parent (their party id) or a staff member (their staff id). A
send takes the sender's advisory lock for the rest of its transaction, then
counts what the sender sent in the last hour: sends of one sender are
serialised across processes, so the count and the insert cannot be raced
(the count sees every committed send before it, and nothing commits between
the count and this send's own insert).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Row,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import SenderKind
from db.models import Message, MessageThread
from domain.message_rate import WINDOW, rate_limited, retry_at


@dataclass(frozen=True, slots=True)
class Sender:
    """Who writes: a party (for themselves) or a staff member."""

    party_id: int | None = None
    staff_id: int | None = None

    def __post_init__(self) -> None:
        assert (self.party_id is None) != (self.staff_id is None)

    @property
    def kind(self) -> SenderKind:
        return SenderKind.PARTY if self.staff_id is None else SenderKind.STAFF

    @property
    def lock_key(self) -> int:
        """A stable signed 64-bit advisory-lock key for this sender."""
        text = f"messages\x1f{self.kind.value}\x1f{self.party_id or self.staff_id}"
        digest = hashlib.sha256(text.encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


async def lock_sender(conn: AsyncConnection, sender: Sender) -> datetime:
    """Wait for the sender's other sends to finish; then the database's
    clock (read after the lock, so it orders this send after theirs)."""
    await conn.execute(
        select(func.pg_advisory_xact_lock(literal(sender.lock_key, BigInteger)))
    )
    now: datetime = (await conn.execute(select(func.clock_timestamp()))).scalar_one()
    return now


async def sent_since(
    conn: AsyncConnection, sender: Sender, since: datetime
) -> list[datetime]:
    """When the sender's messages after ``since`` were sent."""
    if sender.staff_id is not None:
        query = select(Message.sent_at).where(
            Message.sender_staff_id == sender.staff_id, Message.sent_at > since
        )
    else:
        query = (
            select(Message.sent_at)
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .where(
                MessageThread.party_id == sender.party_id,
                Message.sender_kind == SenderKind.PARTY,
                Message.sent_at > since,
            )
        )
    return list((await conn.execute(query)).scalars())


async def claim_send(
    conn: AsyncConnection, sender: Sender, per_hour: int, case_id: int | None
) -> datetime:
    """Serialise on the sender, refuse the message one too many for the hour
    (``RATE_LIMITED`` with ``retryAt``), and return the time to send at."""
    now = await lock_sender(conn, sender)
    sent = await sent_since(conn, sender, now - WINDOW)
    if (retry := retry_at(sent, now, per_hour)) is not None:
        raise rate_limited(retry, case_id)
    return now


async def add_message(
    conn: AsyncConnection,
    thread_id: int,
    sender: Sender,
    body: str,
    at: datetime,
    returning: Sequence[Any],
) -> Row[Any]:
    """Insert the message (answering with ``returning``, computed from the
    new row) and move the thread's ``last_message_at`` to it, never
    backwards, whatever order concurrent sends commit in."""
    message = (
        await conn.execute(
            insert(Message)
            .values(
                thread_id=thread_id,
                sender_kind=sender.kind,
                sender_staff_id=sender.staff_id,
                body=body,
                sent_at=at,
            )
            .returning(*returning)
        )
    ).one()
    await conn.execute(
        update(MessageThread)
        .where(MessageThread.id == thread_id)
        .values(last_message_at=func.greatest(MessageThread.last_message_at, at))
    )
    return message
