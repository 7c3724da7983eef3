"""Message threads and their messages."""

from __future__ import annotations

from typing import Any

from resolvers.access import principal
from schema.context import Info


async def thread_by_id(info: Info, thread_id: int) -> Any:
    """A thread for the party it belongs to or a caseworker of its case."""
    principal(info)
    row = await info.context.loaders.thread_by_id.load(thread_id)
    if row is not None and row.case_id is not None:
        info.context.audit.case_read(row.case_id)
    return row


async def messages(info: Info, thread_id: int) -> list[Any]:
    return await info.context.loaders.messages_by_thread_id.load(thread_id)
