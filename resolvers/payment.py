"""Payments: how each was applied, where it went, and what its source shows."""

from __future__ import annotations

from typing import Any

from auth import policy
from db.enums import PaymentSource
from resolvers.access import principal
from schema.context import Info


async def by_id(info: Info, payment_id: int) -> Any:
    principal(info)
    await policy.case_roles(info.context)  # first, so every miss costs the same
    row = await info.context.loaders.payment_by_id.load(payment_id)
    if row is None or not await policy.can_see_case(info.context, row.case_id):
        return None
    return row


async def allocations(info: Info, payment_id: int) -> list[Any]:
    return await info.context.loaders.allocations_by_payment_id.load(payment_id)


async def disbursements(info: Info, payment_id: int) -> list[Any]:
    """Disbursements show only to the person they were paid to."""
    rows = await info.context.loaders.disbursements_by_payment_id.load(payment_id)
    return [row for row in rows if policy.is_viewer(info.context, row.payee_party_id)]


def source(info: Info, value: PaymentSource) -> PaymentSource | None:
    return policy.payment_source(info.context, value)
