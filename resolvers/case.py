"""Cases and what hangs off them. Which cases a caller reaches is decided in
SQL (``auth.authorization.filters``); which fields and rows they read of a
case, by the declared rules (``schema.permissions.Guard``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from db.enums import ParticipantRole
from domain.case_number import is_case_number
from resolvers.access import case_access, principal
from schema.context import Info

OTHER_ROLE = {
    ParticipantRole.OBLIGOR: ParticipantRole.OBLIGEE,
    ParticipantRole.OBLIGEE: ParticipantRole.OBLIGOR,
    ParticipantRole.CARETAKER: ParticipantRole.OBLIGOR,
}
ROLE_ORDER = (
    ParticipantRole.OBLIGOR,
    ParticipantRole.OBLIGEE,
    ParticipantRole.CARETAKER,
)


def reached(info: Info, row: Any) -> Any:
    """A case row the caller reached: caseworker and partner reads are
    audited."""
    if row is not None:
        info.context.audit.case_read(row.pk)
    return row


async def by_id(info: Info, case_id: int) -> Any:
    """The case, or None when it does not exist or the caller may not see it."""
    principal(info)
    return reached(info, await info.context.loaders.case_by_id.load(case_id))


async def by_number(info: Info, number: str) -> Any:
    """Same answer, through the same single statement, for a case the caller
    may not see as for a number that does not exist."""
    principal(info)
    if not is_case_number(number):
        return None
    return reached(info, await info.context.loaders.case_by_number.load(number))


async def viewer_role(info: Info, case_id: int) -> ParticipantRole | None:
    roles = (await case_access(info, case_id)).roles
    return next((role for role in ROLE_ORDER if role in roles), None)


async def participants(info: Info, case_id: int) -> list[Any]:
    return await info.context.loaders.participants_by_case_id.load(case_id)


async def other_party(info: Info, case_id: int) -> Any:
    """The parent on the other side of the case."""
    mine = await viewer_role(info, case_id)
    if mine is None:
        return None
    wanted = OTHER_ROLE[mine]
    for row in await participants(info, case_id):
        if row.role is wanted:
            return row
    return None


async def children(info: Info, case_id: int) -> list[Any]:
    return await info.context.loaders.children_by_case_id.load(case_id)


async def orders(info: Info, case_id: int) -> list[Any]:
    return await info.context.loaders.orders_by_case_id.load(case_id)


async def hearings(info: Info, case_id: int, upcoming_only: bool) -> list[Any]:
    rows = await info.context.loaders.hearings_by_case_id.load(case_id)
    if not upcoming_only:
        return rows
    now = datetime.now(UTC)
    return [row for row in rows if row.scheduled_at >= now]


async def activities(info: Info, case_id: int) -> list[Any]:
    return await info.context.loaders.activities_by_case_id.load(case_id)


async def documents(info: Info, case_id: int) -> list[Any]:
    return await info.context.loaders.documents_by_case_id.load(case_id)


async def message_threads(info: Info, case_id: int) -> list[Any]:
    """Every thread of the case; the rules keep a parent's own only."""
    return await info.context.loaders.threads_by_case_id.load(case_id)


async def office(info: Info, office_id: int) -> Any:
    return await info.context.loaders.office_by_id.load(office_id)


async def caseworker(info: Info, staff_id: int | None) -> Any:
    if staff_id is None:
        return None
    return await info.context.loaders.staff_by_id.load(staff_id)
