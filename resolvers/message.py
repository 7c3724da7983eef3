"""Message threads and their messages."""

from __future__ import annotations

from typing import Any

from auth import policy
from resolvers.access import principal
from schema.context import Info


async def thread_by_id(info: Info, thread_id: int) -> Any:
    """A thread, only for the party it belongs to."""
    principal(info)
    row = await info.context.loaders.thread_by_id.load(thread_id)
    if row is None or not policy.is_viewer(info.context, row.party_id):
        return None
    return row


async def messages(info: Info, thread_id: int) -> list[Any]:
    return await info.context.loaders.messages_by_thread_id.load(thread_id)
