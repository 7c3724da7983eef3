"""Bookkeeping every change does: cases show when they last changed."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import Case, CaseParticipant


async def touch_case(conn: AsyncConnection, case_id: int) -> None:
    """Mark the case changed now (``Case.updatedAt``, ``updatedSince``)."""
    await conn.execute(
        update(Case).where(Case.id == case_id).values(updated_at=func.now())
    )


async def touch_cases_of_party(conn: AsyncConnection, party_id: int) -> None:
    """Mark every case the party is on changed now (their details changed)."""
    on_cases = select(CaseParticipant.case_id).where(
        CaseParticipant.party_id == party_id
    )
    await conn.execute(
        update(Case).where(Case.id.in_(on_cases)).values(updated_at=func.now())
    )
