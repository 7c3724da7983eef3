"""Messages with the agency: the changes' inputs, payloads and errors."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from db.enums import MessageTopic
from domain.field_errors import FieldError
from domain.message_rate import RateLimitedError
from schema.message import Message, MessageThread


@strawberry.enum(description="Why a message was not sent or marked read.")
class MessageErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "invalid",
        description=(
            "Not plain text (control characters other than line breaks and "
            "tabs), or too many ids at once."
        ),
    )
    REQUIRED = strawberry.enum_value(
        "required", description="Empty (after surrounding spaces are dropped)."
    )
    TOO_LONG = strawberry.enum_value(
        "too_long", description="Longer than the limit the message states."
    )
    CARD_NUMBER_NOT_ALLOWED = strawberry.enum_value(
        "card_number_not_allowed",
        description="Holds what looks like a payment card number: never send one.",
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found",
        description="No case, thread or message of yours has that number or ID.",
    )
    FORBIDDEN = strawberry.enum_value(
        "forbidden", description="You may not make this change."
    )
    RATE_LIMITED = strawberry.enum_value(
        "rate_limited",
        description="Too many messages in the last hour: try again from `retryAt`.",
    )


@strawberry.type(description="An expected reason a message change was refused.")
class MessageError:
    code: MessageErrorCode
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), if one is."
    )
    message: str
    retry_at: datetime | None = strawberry.field(
        default=None, description="With RATE_LIMITED: when to try again."
    )


def message_errors(errors: list[FieldError]) -> list[MessageError]:
    """Domain errors as payload errors (``retryAt`` where there is one)."""
    return [
        MessageError(
            code=MessageErrorCode[error.code.upper()],
            field=error.field,
            message=error.message,
            retry_at=error.retry_at if isinstance(error, RateLimitedError) else None,
        )
        for error in errors
    ]


@strawberry.input(description="A new conversation with the agency about a case.")
class SendMessageInput:
    case_number: str = strawberry.field(description="The 10-digit case number.")
    topic: MessageTopic
    subject: str = strawberry.field(description="One line of plain text.")
    body: str = strawberry.field(
        description="Plain text; line breaks and tabs are kept."
    )


@strawberry.type(description="The result of sendMessage.")
class SendMessagePayload:
    thread: MessageThread | None = strawberry.field(
        description="The new thread (null on errors)."
    )
    message: Message | None = strawberry.field(
        description="Its first message (null on errors)."
    )
    errors: list[MessageError]


@strawberry.input(description="An answer in an existing thread.")
class ReplyToMessageInput:
    thread_id: strawberry.ID = strawberry.field(description="The thread's ID.")
    body: str = strawberry.field(
        description="Plain text; line breaks and tabs are kept."
    )


@strawberry.type(description="The result of replyToMessage.")
class ReplyToMessagePayload:
    thread: MessageThread | None = strawberry.field(
        description="The thread after the reply (null on errors)."
    )
    message: Message | None = strawberry.field(
        description="The reply (null on errors)."
    )
    errors: list[MessageError]


@strawberry.input(
    description=(
        "Messages you have read. A parent marks the agency's messages, staff "
        "mark the parent's; your own side's messages are accepted and left as "
        "they are, and a message read before keeps its first `readAt`."
    )
)
class MarkMessagesReadInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="Message IDs (at most 100)."
    )


@strawberry.type(description="The result of markMessagesRead.")
class MarkMessagesReadPayload:
    messages: list[Message] = strawberry.field(
        description="The messages named, as they are now ([] on errors)."
    )
    threads: list[MessageThread] = strawberry.field(
        description="Their threads, with the unread counts after the change."
    )
    errors: list[MessageError]
