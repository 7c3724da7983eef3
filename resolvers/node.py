"""``node(id:)``: any object by its global ID, with the same rights as
everywhere else (what may not be seen does not exist)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from loaders import ids
from resolvers import case, message, order, payment
from resolvers.access import principal
from schema.context import Info


async def _party(info: Info, pk: int) -> Any:
    row = await info.context.loaders.party_node.load(pk)
    if row is not None and row.case_id is not None:
        info.context.audit.case_read(row.case_id)
    return row


#: The types ``node`` fetches, and how; an ID of any other type is no object.
FETCHED: Mapping[str, Callable[[Info, int], Awaitable[Any]]] = {
    "Case": case.by_id,
    "Order": order.by_id,
    "Payment": payment.by_id,
    "MessageThread": message.thread_by_id,
    "Party": _party,
}


async def node(info: Info, global_id: str) -> Any:
    principal(info)
    decoded = ids.decode(global_id)
    if decoded is None:
        return None
    type_name, pk = decoded
    fetch = FETCHED.get(type_name)
    return None if fetch is None else await fetch(info, pk)
