"""``node(id:)``: any object by its global ID, with the same rights as
everywhere else (what may not be seen does not exist)."""

from __future__ import annotations

from typing import Any

from loaders import ids
from resolvers import case, message, order, payment
from resolvers.access import principal
from schema.context import Info


async def node(info: Info, global_id: str) -> Any:
    principal(info)
    decoded = ids.decode(global_id)
    if decoded is None:
        return None
    type_name, pk = decoded
    if type_name == "Case":
        return await case.by_id(info, pk)
    if type_name == "Order":
        return await order.by_id(info, pk)
    if type_name == "Payment":
        return await payment.by_id(info, pk)
    if type_name == "MessageThread":
        return await message.thread_by_id(info, pk)
    if type_name == "Party":
        row = await info.context.loaders.party_node.load(pk)
        if row is not None and row.case_id is not None:
            info.context.audit.case_read(row.case_id)
        return row
    return None
