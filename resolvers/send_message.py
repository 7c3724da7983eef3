"""``sendMessage``: a parent starts a conversation with the agency about one
of their cases.

One transaction: the case must be one the parent is on (``acting_on_case``),
the subject and body plain text within the limits and free of card numbers
(``domain.message_text``), then the sender's lock and hourly count
(``db.messaging.claim_send``), the thread and its first message, the case
touched, and the audit record (never the text).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import acting_on_case
from db.changes import touch_case
from db.enums import AuditOutcome, MessageTopic
from db.messaging import Sender, add_message, claim_send
from db.models import MessageThread
from domain.case_number import is_case_number
from domain.field_errors import Refused, not_found
from domain.message_text import TextLimits, clean_message
from loaders.message import MESSAGE_COLUMNS
from resolvers.mutation import principal_of, run
from schema.context import Info
from schema.message_changes import (
    SendMessageInput,
    SendMessagePayload,
    message_errors,
)
from settings import Settings

MUTATION = "sendMessage"
ACTION = "send_message"


def text_limits(settings: Settings) -> TextLimits:
    """The configured lengths (capped by the columns)."""
    return TextLimits(
        subject=settings.message_max_subject_chars, body=settings.message_max_body_chars
    )


async def send_message(info: Info, data: SendMessageInput) -> SendMessagePayload:
    principal = principal_of(info)
    settings = info.context.settings

    async def change(conn: AsyncConnection) -> tuple[int, Row[Any]]:
        if not is_case_number(data.case_number):
            raise not_found("caseNumber")
        acting = await acting_on_case(conn, principal, MUTATION, data.case_number)
        case_id = acting.case_id
        assert case_id is not None
        text = clean_message(data.subject, data.body, text_limits(settings))
        if text.errors:
            raise Refused(*text.errors, case_id=case_id)
        assert text.subject is not None
        sender = Sender(party_id=acting.party_id)
        now = await claim_send(conn, sender, settings.messages_per_hour, case_id)
        thread_id = (
            await conn.execute(
                insert(MessageThread)
                .values(
                    party_id=acting.party_id,
                    case_id=case_id,
                    topic=MessageTopic(data.topic.value),
                    subject=text.subject,
                    created_at=now,
                    last_message_at=now,
                )
                .returning(MessageThread.id)
            )
        ).scalar_one()
        message = await add_message(
            conn, thread_id, sender, text.body, now, MESSAGE_COLUMNS
        )
        await touch_case(conn, case_id)
        info.context.audit.record(
            ACTION,
            case_id=case_id,
            object_type="MessageThread",
            object_id=thread_id,
            outcome=AuditOutcome.SUCCEEDED,
            detail={
                "topic": MessageTopic(data.topic.value).value,
                "message": message.pk,
            },
        )
        return int(thread_id), message

    result = await run(info, ACTION, change, object_type="MessageThread")
    if isinstance(result, list):
        return SendMessagePayload(
            thread=None, message=None, errors=message_errors(result)
        )
    thread_id, message = result
    thread = await info.context.loaders.thread_by_id.load(thread_id)
    # rows, served as MessageThread and Message by attribute
    return SendMessagePayload(thread=thread, message=message, errors=[])  # type: ignore[arg-type]
