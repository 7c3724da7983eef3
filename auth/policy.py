"""Who may see what, decided per object. Resolvers ask; they never decide.

A parent sees the cases they are on and nothing else; a case they may not see
answers exactly like a case that does not exist (``None``). Other principals
(caseworkers, partner agencies) get their own rules with the roles work; until
then they see no case data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.enums import ParticipantRole, PaymentSource, ShareScope

if TYPE_CHECKING:
    from schema.context import Context

_TAX_OFFSETS = frozenset(
    {PaymentSource.FEDERAL_TAX_OFFSET, PaymentSource.STATE_TAX_OFFSET}
)


async def case_roles(ctx: Context) -> dict[int, frozenset[ParticipantRole]]:
    """The viewer's roles on each case they are on (looked up once a request)."""
    if ctx.case_roles is None:
        principal = ctx.principal
        roles: dict[int, set[ParticipantRole]] = {}
        if principal is not None and principal.is_party:
            for row in await ctx.loaders.roles_by_party_id.load(principal.id):
                roles.setdefault(row.case_id, set()).add(row.role)
        ctx.case_roles = {case: frozenset(r) for case, r in roles.items()}
    return ctx.case_roles


async def can_see_case(ctx: Context, case_id: int) -> bool:
    return case_id in await case_roles(ctx)


async def sees_child_details(ctx: Context, *case_ids: int) -> bool:
    """Children's dates of birth and addresses are never shown to a parent who
    only pays for them: the viewer must have another role (obligee, caretaker)
    on at least one of the child's cases."""
    roles = await case_roles(ctx)
    return any(
        roles.get(case, frozenset()) - {ParticipantRole.OBLIGOR} for case in case_ids
    )


def is_viewer(ctx: Context, party_id: int) -> bool:
    principal = ctx.principal
    return principal is not None and principal.is_party and principal.id == party_id


def payment_source(ctx: Context, source: PaymentSource) -> PaymentSource | None:
    """Tax offsets name their source only to callers entitled to federal tax
    information; others see the coarse label (``None`` -> ``TAX_OFFSET``)."""
    if source in _TAX_OFFSETS:
        principal = ctx.principal
        if (
            principal is None
            or principal.is_party
            or not principal.has_scope(ShareScope.FEDERAL_TAX_INFO)
        ):
            return None
    return source
