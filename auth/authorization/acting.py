"""Who a change is made for: the declared ``MUTATIONS`` rules, applied.

A parent acts for themselves; a caseworker acts for a party on a case of their
office (or assigned to them), and the change records the staff member; a
partner agency acts only where its share grants the rule's scope (none does
today). Every lookup here is one statement, and an object the caller may not
change is refused exactly like one that does not exist (``NOT_FOUND``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from auth.authorization.filters import staff_reaches
from auth.authorization.rules import MUTATIONS, MutationRule, Relation, Target
from auth.principal import Principal
from db.enums import AuditOutcome
from db.models import Case, CaseParticipant, MessageThread, SupportOrder
from domain.field_errors import FORBIDDEN, REQUIRED, FieldError, Refused, not_found


@dataclass(frozen=True, slots=True)
class Acting:
    """The party a change is for, the caseworker making it for them (if one
    is), and the case the target is on (order, case and thread targets)."""

    party_id: int
    staff_id: int | None = None
    case_id: int | None = None

    @property
    def by_staff(self) -> bool:
        return self.staff_id is not None


def relation_of(principal: Principal) -> Relation | None:
    """How a caller can act at all: for themselves, or as staff."""
    if principal.is_party:
        return Relation.SELF
    if principal.is_staff:
        return Relation.CASEWORKER
    if principal.is_agency:
        return Relation.PARTNER
    return None


def may_act(rule: MutationRule, principal: Principal) -> bool:
    """Whether the kind of caller may make this change at all (before looking
    at the object): a pure reading of the rule."""
    relation = relation_of(principal)
    if relation is None or relation not in rule.actors:
        return False
    return relation is not Relation.PARTNER or rule.share_scope is not None


def rule_for(mutation: str) -> MutationRule:
    """The declared rule; a mutation without one may not run."""
    return MUTATIONS[mutation]


def _refuse_kind(rule: MutationRule, principal: Principal) -> None:
    if not may_act(rule, principal):
        raise Refused(
            FieldError(FORBIDDEN, None, "You may not make this change."),
            outcome=AuditOutcome.DENIED,
        )


def _roles_ok(rule: MutationRule, role: Any) -> ColumnElement[bool]:
    """The participant holds one of the rule's roles (any role without any)."""
    if rule.roles is None:
        return literal(True)
    return role.in_(sorted(rule.roles))  # type: ignore[no-any-return]


async def acting_for_party(
    conn: AsyncConnection, principal: Principal, mutation: str, party_id: int | None
) -> Acting:
    """For ``PARTY`` targets: a parent names nobody (or themselves); staff
    name the party (``partyId``), who must be on a case they reach."""
    rule = rule_for(mutation)
    assert rule.target is Target.PARTY
    _refuse_kind(rule, principal)
    cp = aliased(CaseParticipant)
    if principal.is_party:
        if party_id is not None and party_id != principal.id:
            raise not_found("partyId")
        if rule.roles is not None:
            held = await conn.scalar(
                select(
                    exists().where(
                        cp.party_id == principal.id, cp.role.in_(sorted(rule.roles))
                    )
                )
            )
            if not held:
                raise Refused(
                    FieldError(
                        FORBIDDEN,
                        None,
                        "Only a parent or caretaker who receives support may "
                        "make this change.",
                    ),
                    outcome=AuditOutcome.DENIED,
                )
        return Acting(principal.id)
    if party_id is None:
        raise Refused(FieldError(REQUIRED, "partyId", "Name the party you act for."))
    case = aliased(Case)
    conditions = [
        cp.party_id == party_id,
        case.id == cp.case_id,
        staff_reaches(principal.id, case),
    ]
    if rule.roles is not None:
        conditions.append(cp.role.in_(sorted(rule.roles)))
    reached = await conn.scalar(select(exists().where(*conditions)))
    if not reached:
        raise not_found("partyId")
    return Acting(party_id, staff_id=principal.id)


async def acting_on_order(
    conn: AsyncConnection,
    principal: Principal,
    mutation: str,
    order_id: int,
    party_id: int | None = None,
) -> Acting:
    """For ``ORDER`` targets: the order's case, and its participant holding
    the rule's role (the obligor who pays) that the caller acts for."""
    rule = rule_for(mutation)
    assert rule.target is Target.ORDER
    _refuse_kind(rule, principal)
    cp = aliased(CaseParticipant)
    case = aliased(Case)
    holders = func.array(
        select(cp.party_id)
        .where(cp.case_id == SupportOrder.case_id, _roles_ok(rule, cp.role))
        .order_by(cp.party_id)
        .scalar_subquery()
    )
    reach = staff_reaches(principal.id, case) if principal.is_staff else literal(False)
    row = (
        await conn.execute(
            select(SupportOrder.case_id, holders.label("holders"), reach.label("staff"))
            .join(case, case.id == SupportOrder.case_id)
            .where(SupportOrder.id == order_id)
        )
    ).one_or_none()
    if row is None:
        raise not_found("orderId")
    if principal.is_party:
        if principal.id not in row.holders or party_id not in (None, principal.id):
            raise not_found("orderId")
        return Acting(principal.id, case_id=row.case_id)
    if not row.staff or not row.holders:
        raise not_found("orderId")
    if party_id is None:
        if len(row.holders) > 1:
            raise Refused(
                FieldError(REQUIRED, "partyId", "Name the party you act for."),
                case_id=row.case_id,
            )
        party_id = row.holders[0]
    if party_id not in row.holders:
        raise not_found("partyId")
    return Acting(party_id, staff_id=principal.id, case_id=row.case_id)


async def acting_on_case(
    conn: AsyncConnection, principal: Principal, mutation: str, case_number: str
) -> Acting:
    """For ``CASE`` targets: the caller is a participant of the case."""
    rule = rule_for(mutation)
    assert rule.target is Target.CASE
    _refuse_kind(rule, principal)
    if not principal.is_party:
        raise not_found("caseNumber")
    cp = aliased(CaseParticipant)
    case_id = await conn.scalar(
        select(Case.id).where(
            Case.case_number == case_number,
            exists().where(
                cp.case_id == Case.id,
                cp.party_id == principal.id,
                _roles_ok(rule, cp.role),
            ),
        )
    )
    if case_id is None:
        raise not_found("caseNumber")
    return Acting(principal.id, case_id=case_id)


async def acting_on_thread(
    conn: AsyncConnection, principal: Principal, mutation: str, thread_id: int
) -> Acting:
    """For ``THREAD`` targets: the thread's own party, or a caseworker who
    reaches the thread's case (or, for a thread about no case, a case the
    party is on)."""
    rule = rule_for(mutation)
    assert rule.target is Target.THREAD
    _refuse_kind(rule, principal)
    t = MessageThread
    if principal.is_party:
        allowed = t.party_id == principal.id
    else:
        case = aliased(Case)
        cp = aliased(CaseParticipant)
        allowed = exists().where(
            case.id == func.coalesce(t.case_id, cp.case_id),
            cp.party_id == t.party_id,
            staff_reaches(principal.id, case),
        )
    row = (
        await conn.execute(
            select(t.party_id, t.case_id).where(t.id == thread_id, allowed)
        )
    ).one_or_none()
    if row is None:
        raise not_found("threadId")
    staff_id = principal.id if principal.is_staff else None
    return Acting(row.party_id, staff_id=staff_id, case_id=row.case_id)
