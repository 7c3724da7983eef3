"""``replyToMessage``: an answer in a thread, from its parent or from the
agency side (a caseworker who reaches the thread's case).

One transaction: who may write in the thread (``acting_on_thread``), the body
plain text within the limits and free of card numbers, the sender's lock and
hourly count, the message (``sender_kind`` staff with the staff member for a
caseworker) and the thread's ``last_message_at``, the case touched, and for a
reply from the agency a ``NEW_MESSAGE`` notification to the parent through
the outbox, saying only that there is a message, never its text (the phone
or mailbox may not be the parent's alone).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import acting_on_thread
from db.changes import touch_case
from db.enums import NotificationTopic
from db.messaging import Sender, add_message, claim_send
from delivery.outbox import notify
from domain.field_errors import Refused
from domain.message_text import clean_message
from loaders.message import MESSAGE_COLUMNS
from resolvers.mutation import named_pk, pk_of, principal_of, record_success, run
from resolvers.send_message import text_limits
from schema.context import Info
from schema.message_changes import (
    ReplyToMessageInput,
    ReplyToMessagePayload,
    message_errors,
)

MUTATION = "replyToMessage"
ACTION = "reply_to_message"

NOTICE_SUBJECT = "You have a new message"
NOTICE_BODY = (
    "You have a new message from your child support agency. Log in to the "
    "portal to read it."
)


async def reply_to_message(
    info: Info, data: ReplyToMessageInput
) -> ReplyToMessagePayload:
    principal = principal_of(info)
    settings = info.context.settings
    attempted = named_pk(data.thread_id, "MessageThread")

    async def change(conn: AsyncConnection) -> Row[Any]:
        thread_id = pk_of(data.thread_id, "MessageThread", "threadId")
        acting = await acting_on_thread(conn, principal, MUTATION, thread_id)
        text = clean_message(None, data.body, text_limits(settings))
        if text.errors:
            raise Refused(*text.errors, case_id=acting.case_id)
        sender = (
            Sender(staff_id=acting.staff_id)
            if acting.by_staff
            else Sender(party_id=acting.party_id)
        )
        limit = (
            settings.staff_messages_per_hour
            if acting.by_staff
            else settings.messages_per_hour
        )
        now = await claim_send(conn, sender, limit, acting.case_id)
        message = await add_message(
            conn, thread_id, sender, text.body, now, MESSAGE_COLUMNS
        )
        if acting.case_id is not None:
            await touch_case(conn, acting.case_id)
        if acting.by_staff:
            await notify(
                conn,
                acting.party_id,
                NotificationTopic.NEW_MESSAGE,
                f"message:{message.pk}",
                NOTICE_SUBJECT,
                NOTICE_BODY,
            )
        record_success(
            info,
            ACTION,
            acting,
            case_id=acting.case_id,
            object_type="Message",
            object_id=message.pk,
            detail={"thread": thread_id},
        )
        return message

    result = await run(
        info, ACTION, change, object_type="MessageThread", object_id=attempted
    )
    if isinstance(result, list):
        return ReplyToMessagePayload(
            thread=None, message=None, errors=message_errors(result)
        )
    thread = await info.context.loaders.thread_by_id.load(result.thread_id)
    # rows, served as MessageThread and Message by attribute
    return ReplyToMessagePayload(thread=thread, message=result, errors=[])  # type: ignore[arg-type]
