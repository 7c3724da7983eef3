"""Cases and what hangs off them, filtered through the viewer's rights."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from auth import policy
from db.enums import ParticipantRole
from resolvers import child
from resolvers.access import load_on_visible_case, principal
from schema.context import Info

_OTHER_ROLE = {
    ParticipantRole.OBLIGOR: ParticipantRole.OBLIGEE,
    ParticipantRole.OBLIGEE: ParticipantRole.OBLIGOR,
    ParticipantRole.CARETAKER: ParticipantRole.OBLIGOR,
}


async def by_id(info: Info, case_id: int) -> Any:
    """The case, or None when it does not exist or the viewer may not see it."""
    principal(info)
    if not await policy.can_see_case(info.context, case_id):
        return None
    return await info.context.loaders.case_by_id.load(case_id)


async def by_number(info: Info, number: str) -> Any:
    """Same answer for someone else's case as for a number that does not exist,
    reached through the same statements (the viewer's cases first)."""
    principal(info)
    if len(number) != 10 or not (number.isascii() and number.isdigit()):
        return None
    loader = info.context.loaders.case_by_number
    return await load_on_visible_case(info, loader, number, case_of="pk")


async def viewer_role(info: Info, case_id: int) -> ParticipantRole | None:
    roles = (await policy.case_roles(info.context)).get(case_id, frozenset())
    for role in (ParticipantRole.OBLIGOR, ParticipantRole.OBLIGEE):
        if role in roles:
            return role
    return next(iter(roles), None)


async def participants(info: Info, case_id: int) -> list[Any]:
    return await info.context.loaders.participants_by_case_id.load(case_id)


async def other_party(info: Info, case_id: int) -> Any:
    """The parent on the other side of the case: the name is all that shows."""
    mine = await viewer_role(info, case_id)
    if mine is None:
        return None
    wanted = _OTHER_ROLE[mine]
    for row in await participants(info, case_id):
        if row.role is wanted:
            return row
    return None


async def children(info: Info, case_id: int) -> list[Any]:
    rows = await info.context.loaders.children_by_case_id.load(case_id)
    return await child.as_seen(info, rows, lambda row: (case_id,))


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
    """The viewer's own threads about this case (never the other parent's)."""
    me = principal(info)
    rows = await info.context.loaders.threads_by_case_id.load(case_id)
    return [row for row in rows if me.is_party and row.party_id == me.id]


async def office(info: Info, office_id: int) -> Any:
    return await info.context.loaders.office_by_id.load(office_id)


async def caseworker(info: Info, staff_id: int | None) -> Any:
    if staff_id is None:
        return None
    return await info.context.loaders.staff_by_id.load(staff_id)
