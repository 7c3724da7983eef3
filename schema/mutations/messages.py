"""Mutations: messages with the agency."""

from __future__ import annotations

import strawberry

from resolvers import mark_messages_read, reply_to_message, send_message
from schema.context import Info
from schema.message_changes import (
    MarkMessagesReadInput,
    MarkMessagesReadPayload,
    ReplyToMessageInput,
    ReplyToMessagePayload,
    SendMessageInput,
    SendMessagePayload,
)


@strawberry.type
class MessageMutations:
    """Conversations between parents and the agency (``resolvers.send_message``,
    ``resolvers.reply_to_message``, ``resolvers.mark_messages_read``)."""

    @strawberry.mutation(
        description=(
            "Parents: start a conversation with the agency about one of your "
            "cases. Plain text; messages per hour are limited."
        )
    )
    async def send_message(
        self, info: Info, input: SendMessageInput
    ) -> SendMessagePayload:
        return await send_message.send_message(info, input)

    @strawberry.mutation(
        description=(
            "Answer in a thread: its parent, or a caseworker reaching its case "
            "(the parent is notified that there is a message, never of its "
            "text). Plain text; messages per hour are limited."
        )
    )
    async def reply_to_message(
        self, info: Info, input: ReplyToMessageInput
    ) -> ReplyToMessagePayload:
        return await reply_to_message.reply_to_message(info, input)

    @strawberry.mutation(
        description=(
            "Mark messages you have read, by ID. Any ID that is not yours "
            "refuses the whole list and nothing changes."
        )
    )
    async def mark_messages_read(
        self, info: Info, input: MarkMessagesReadInput
    ) -> MarkMessagesReadPayload:
        return await mark_messages_read.mark_messages_read(info, input)
