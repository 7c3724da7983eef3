"""Payments: how each was applied, and where it went."""

from __future__ import annotations

from typing import Any

from schema.context import Info


async def by_id(info: Info, payment_id: int) -> Any:
    """A payment on a case the caller may reach, else None (one statement)."""
    row = await info.context.loaders.payment_by_id.load(payment_id)
    if row is not None:
        info.context.audit.case_read(row.case_id)
    return row


async def allocations(info: Info, payment_id: int) -> list[Any]:
    return await info.context.loaders.allocations_by_payment_id.load(payment_id)


async def disbursements(info: Info, payment_id: int) -> list[Any]:
    """Every disbursement; the rules keep a parent's own only."""
    return await info.context.loaders.disbursements_by_payment_id.load(payment_id)
