"""The rules as SQL: which cases a principal may reach, who is protected.

Entry points (a case by number, any node by id, a page of cases) put
``case_visible(principal, <case id column>)`` in their WHERE clause, so an
object the caller may not see comes back exactly like one that does not exist:
no row, from the same single statement. The subqueries use their own aliases,
so they never correlate with the statement they are put in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, any_, exists, false, func, literal, or_, select
from sqlalchemy.orm import QueryableAttribute, aliased

from auth.principal import Principal
from db.enums import ParticipantRole, ShareScope
from db.models import (
    Case,
    CaseChild,
    CaseParticipant,
    FamilyViolenceIndicator,
    PartnerCaseShare,
    Staff,
)

#: A column (or expression) holding an id.
IdColumn = ColumnElement[Any] | QueryableAttribute[Any]

CUSTODIAL_ROLES = (ParticipantRole.OBLIGEE, ParticipantRole.CARETAKER)


def case_visible(principal: Principal, case_id: IdColumn) -> ColumnElement[bool]:
    """True for the cases ``principal`` may reach (``rules.TYPES['Case']``):
    a parent's own cases; a caseworker's office's cases and those assigned to
    them; a partner's shared (not revoked) cases granting ``case:read``."""
    if principal.is_party:
        cp = aliased(CaseParticipant)
        return exists().where(cp.case_id == case_id, cp.party_id == principal.id)
    if principal.is_staff:
        case = aliased(Case)
        office = select(Staff.agency_id).where(Staff.id == principal.id)
        return exists().where(
            case.id == case_id,
            or_(
                case.caseworker_id == principal.id,
                case.office_id == office.scalar_subquery(),
            ),
        )
    if principal.is_agency and principal.has_scope(ShareScope.CASE_READ):
        return share_of(principal.id, case_id, ShareScope.CASE_READ)
    return false()


def share_of(
    agency_id: int, case_id: IdColumn, scope: ShareScope | None = None
) -> ColumnElement[bool]:
    """The case is shared with the agency, the share is in force (and grants
    ``scope``)."""
    share = aliased(PartnerCaseShare)
    conditions = [
        share.case_id == case_id,
        share.agency_id == agency_id,
        *_in_force(share),
    ]
    if scope is not None:
        conditions.append(literal(str(scope)) == any_(share.scopes))
    return exists().where(*conditions)


def _in_force(share: Any) -> list[ColumnElement[bool]]:
    """Shared already, and not revoked yet."""
    today = func.current_date()
    return [
        share.shared_on <= today,
        or_(share.revoked_on.is_(None), share.revoked_on > today),
    ]


def active_share_scopes(agency_id: int, case_id: IdColumn) -> ColumnElement[list[str]]:
    """The scopes the agency's share of the case grants (NULL when none)."""
    share = aliased(PartnerCaseShare)
    return (
        select(share.scopes)
        .where(
            share.case_id == case_id,
            share.agency_id == agency_id,
            *_in_force(share),
        )
        .limit(1)
        .scalar_subquery()
    )


def has_indicator(party_id: IdColumn) -> ColumnElement[bool]:
    """The person has an active family-violence indicator."""
    fv = aliased(FamilyViolenceIndicator)
    return exists().where(fv.party_id == party_id, fv.cleared_on.is_(None))


def protected(party_id: IdColumn) -> ColumnElement[bool]:
    """The person is protected: an active indicator with no court-ordered
    disclosure recorded."""
    fv = aliased(FamilyViolenceIndicator)
    return exists().where(
        fv.party_id == party_id,
        fv.cleared_on.is_(None),
        fv.disclosure_ordered_on.is_(None),
    )


def child_protected(child_id: IdColumn) -> ColumnElement[bool]:
    """The child lives with a protected person: a custodial participant
    (obligee or caretaker) of any of the child's cases is protected."""
    cc = aliased(CaseChild)
    cp = aliased(CaseParticipant)
    return exists().where(
        cc.child_id == child_id,
        cp.case_id == cc.case_id,
        cp.role.in_(CUSTODIAL_ROLES),
        protected(cp.party_id),
    )


def protected_participants(case_id: IdColumn) -> ColumnElement[list[int]]:
    """Ids of the case's protected participants."""
    cp = aliased(CaseParticipant)
    return func.array(
        select(cp.party_id)
        .where(cp.case_id == case_id, protected(cp.party_id))
        .scalar_subquery()
    )


def indicated_participants(case_id: IdColumn) -> ColumnElement[list[int]]:
    """Ids of the case's participants with an active indicator (disclosure
    order or not)."""
    cp = aliased(CaseParticipant)
    return func.array(
        select(cp.party_id)
        .where(cp.case_id == case_id, has_indicator(cp.party_id))
        .scalar_subquery()
    )
