"""Payments: how each was applied, where it went, and what its source shows."""

from __future__ import annotations

from typing import Any

from auth import policy
from db.enums import PaymentSource
from resolvers.access import load_on_visible_case
from schema.context import Info


async def by_id(info: Info, payment_id: int) -> Any:
    loader = info.context.loaders.payment_by_id
    return await load_on_visible_case(info, loader, payment_id)


async def allocations(info: Info, payment_id: int) -> list[Any]:
    return await info.context.loaders.allocations_by_payment_id.load(payment_id)


async def disbursements(info: Info, payment_id: int) -> list[Any]:
    """Disbursements show only to the person they were paid to."""
    rows = await info.context.loaders.disbursements_by_payment_id.load(payment_id)
    return [row for row in rows if policy.is_viewer(info.context, row.payee_party_id)]


def source(info: Info, value: PaymentSource) -> PaymentSource | None:
    return policy.payment_source(info.context, value)
