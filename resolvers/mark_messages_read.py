"""``markMessagesRead``: the messages a reader has seen, by ID.

A parent marks the agency's messages in their own threads; a caseworker who
reaches a thread's case marks the parent's. Messages are named one by one,
never "everything in the thread", so a reply that arrives while the reader
looks stays unread. All or nothing: one ID that is not the caller's (or does
not exist, or is malformed) refuses the whole input as ``NOT_FOUND`` and
nothing changes. Marking again is harmless: a message keeps its first
``read_at`` (the update skips read rows, and concurrent marks of the same
message wait on its row lock, then skip it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting, acting_on_thread
from auth.principal import Principal
from db.changes import touch_case
from db.models import Message
from domain.field_errors import INVALID, NOT_FOUND, REQUIRED, Refused, not_found, refuse
from loaders.message import MESSAGE_COLUMNS, reader_of, unread_by
from resolvers.mutation import pk_of, principal_of, record_success, run
from schema.context import Info
from schema.message_changes import (
    MarkMessagesReadInput,
    MarkMessagesReadPayload,
    message_errors,
)

MUTATION = "markMessagesRead"
ACTION = "mark_messages_read"
MAX_IDS = 100


def message_pks(values: Sequence[str]) -> list[int]:
    """The primary keys the IDs name, each once, in the order given."""
    if not values:
        raise refuse(REQUIRED, "ids", "Name at least one message.")
    if len(values) > MAX_IDS:
        raise refuse(INVALID, "ids", f"At most {MAX_IDS} messages at once.")
    pks: dict[int, None] = {}
    for value in values:
        pks[pk_of(value, "Message", "ids")] = None
    return list(pks)


async def _acting_per_thread(
    conn: AsyncConnection, principal: Principal, thread_ids: list[int]
) -> dict[int, Acting]:
    """Who the caller acts for in each thread; a thread not theirs refuses
    the input like a message that does not exist."""
    acting: dict[int, Acting] = {}
    for thread_id in thread_ids:
        try:
            acting[thread_id] = await acting_on_thread(
                conn, principal, MUTATION, thread_id
            )
        except Refused as refusal:
            if refusal.errors[0].code == NOT_FOUND:
                raise not_found("ids") from None
            raise
    return acting


async def mark_messages_read(
    info: Info, data: MarkMessagesReadInput
) -> MarkMessagesReadPayload:
    principal = principal_of(info)
    reader = reader_of(principal)

    async def change(conn: AsyncConnection) -> tuple[list[Any], list[int]]:
        pks = message_pks(data.ids)
        found = (
            await conn.execute(
                select(Message.id, Message.thread_id).where(Message.id.in_(pks))
            )
        ).all()
        if len(found) != len(pks):
            raise not_found("ids")
        thread_ids = sorted({row.thread_id for row in found})
        acting = await _acting_per_thread(conn, principal, thread_ids)
        # lock the rows to change in one order, so concurrent marks of
        # overlapping messages queue instead of deadlocking
        unread = (
            select(Message.id)
            .where(Message.id.in_(pks), unread_by(reader))
            .order_by(Message.id)
            .with_for_update()
        )
        marked = (
            await conn.execute(
                update(Message)
                .where(Message.id.in_(unread.scalar_subquery()))
                .where(Message.read_at.is_(None))
                .values(read_at=func.now())
                .returning(Message.thread_id)
            )
        ).scalars()
        counts: dict[int, int] = dict.fromkeys(thread_ids, 0)
        for thread_id in marked:
            counts[thread_id] += 1
        for thread_id in thread_ids:
            await _record(info, conn, acting[thread_id], thread_id, counts[thread_id])
        messages = (
            await conn.execute(select(*MESSAGE_COLUMNS).where(Message.id.in_(pks)))
        ).all()
        order = {pk: index for index, pk in enumerate(pks)}
        return sorted(messages, key=lambda row: order[row.pk]), thread_ids

    result = await run(info, ACTION, change, object_type="Message")
    if isinstance(result, list):
        return MarkMessagesReadPayload(
            messages=[], threads=[], errors=message_errors(result)
        )
    messages, thread_ids = result
    threads = await info.context.loaders.thread_by_id.load_many(thread_ids)
    # rows, served as Message and MessageThread by attribute
    return MarkMessagesReadPayload(
        messages=messages,
        threads=[t for t in threads if t is not None],  # type: ignore[misc]
        errors=[],
    )


async def _record(
    info: Info, conn: AsyncConnection, acting: Acting, thread_id: int, marked: int
) -> None:
    """Touch the case when something changed; audit each thread."""
    if marked and acting.case_id is not None:
        await touch_case(conn, acting.case_id)
    record_success(
        info,
        ACTION,
        acting,
        case_id=acting.case_id,
        object_type="MessageThread",
        object_id=thread_id,
        detail={"marked": marked},
    )
