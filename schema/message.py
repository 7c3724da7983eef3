"""Message threads with the agency."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.enums import MessageTopic, SenderKind
from resolvers import message as resolve
from schema.context import Info
from schema.node import Node, RowBacked


@strawberry.type(description="One message in a thread, as plain text.")
class Message:
    id: strawberry.ID
    sender_kind: SenderKind
    body: str
    sent_at: datetime
    read_at: datetime | None = strawberry.field(
        description=(
            "When the other side first read it (null: not yet); marking it "
            "read again keeps this time."
        )
    )


@strawberry.type(description="A conversation with the agency about a case.")
class MessageThread(RowBacked, Node):
    pk: strawberry.Private[int]
    topic: MessageTopic
    subject: str
    case_number: str | None
    order_number: str | None
    created_at: datetime
    last_message_at: datetime
    unread_count: int = strawberry.field(
        description=(
            "Messages from the other side you have not read: for a parent, the "
            "agency's; for staff, the parent's. Counted from the messages "
            "themselves each time, never kept as a counter."
        )
    )

    @strawberry.field
    async def messages(self, info: Info) -> list[Message]:
        return await resolve.messages(info, self.pk)
