"""The rules as SQL: which cases a principal may reach, who is protected.

Entry points (a case by number, any node by id, a page of cases) put
``case_visible(principal, <case id column>)`` in their WHERE clause, so an
object the caller may not see comes back exactly like one that does not exist:
no row, from the same single statement. The subqueries use their own aliases,
so they never correlate with the statement they are put in.

The principal's id is a bound parameter (:data:`PRINCIPAL_ID`), never part of
the statement, and what the statement does depend on is :func:`shape_of` the
principal: a statement is built once per shape and kept
(``loaders.base.built_for``); executions pass ``principal_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    any_,
    bindparam,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import QueryableAttribute, aliased

from auth.authorization.access import CUSTODIAL_ROLES
from auth.principal import Principal
from db.enums import ShareScope
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

#: The calling principal's id, bound at execution (``principal_id``).
PRINCIPAL_ID = bindparam("principal_id", type_=BigInteger)

#: What a visibility statement depends on besides the id: the principal's
#: kind, and for a partner whether its token grants ``case:read``.
Shape = tuple[str, bool]


def shape_of(principal: Principal) -> Shape:
    """The key statements built from ``principal`` are kept under."""
    return (
        principal.kind.value,
        principal.is_agency and principal.has_scope(ShareScope.CASE_READ),
    )


def case_visible(principal: Principal, case_id: IdColumn) -> ColumnElement[bool]:
    """True for the cases ``principal`` may reach (``rules.TYPES['Case']``):
    a parent's own cases; a caseworker's office's cases and those assigned to
    them; a partner's shared (not revoked) cases granting ``case:read``."""
    if principal.is_party:
        cp = aliased(CaseParticipant)
        return exists().where(cp.case_id == case_id, cp.party_id == PRINCIPAL_ID)
    if principal.is_staff:
        case = aliased(Case)
        return exists().where(case.id == case_id, staff_reaches(PRINCIPAL_ID, case))
    if principal.is_agency and principal.has_scope(ShareScope.CASE_READ):
        share, in_force = _share(PRINCIPAL_ID, case_id)
        granted = literal(str(ShareScope.CASE_READ)) == any_(share.scopes)
        return exists().where(*in_force, granted)
    return false()


def staff_reaches(staff_id: int | ColumnElement[Any], case: Any) -> ColumnElement[bool]:
    """The staff member is assigned to ``case`` (the ``cases`` table or an
    alias of it) or works for the office running it."""
    office = select(Staff.agency_id).where(Staff.id == staff_id).scalar_subquery()
    return or_(case.caseworker_id == staff_id, case.office_id == office)


def _share(
    agency_id: int | ColumnElement[Any], case_id: IdColumn
) -> tuple[Any, list[ColumnElement[bool]]]:
    """An alias of the shares, and the conditions for the agency's share of the
    case that is in force (shared already, not revoked yet)."""
    share = aliased(PartnerCaseShare)
    today = func.current_date()
    return share, [
        share.case_id == case_id,
        share.agency_id == agency_id,
        share.shared_on <= today,
        or_(share.revoked_on.is_(None), share.revoked_on > today),
    ]


def active_share_scopes(
    agency_id: int | ColumnElement[Any], case_id: IdColumn
) -> ColumnElement[list[str]]:
    """The scopes the agency's share of the case grants (NULL when none)."""
    share, in_force = _share(agency_id, case_id)
    return select(share.scopes).where(*in_force).limit(1).scalar_subquery()


def has_indicator(party_id: IdColumn) -> ColumnElement[bool]:
    """The person has an active family-violence indicator."""
    return _indicator(party_id, undisclosed=False)


def protected(party_id: IdColumn) -> ColumnElement[bool]:
    """The person is protected: an active indicator with no court-ordered
    disclosure recorded."""
    return _indicator(party_id, undisclosed=True)


def _indicator(party_id: IdColumn, *, undisclosed: bool) -> ColumnElement[bool]:
    fv = aliased(FamilyViolenceIndicator)
    conditions = [fv.party_id == party_id, fv.cleared_on.is_(None)]
    if undisclosed:
        conditions.append(fv.disclosure_ordered_on.is_(None))
    return exists().where(*conditions)


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
    return _participants(case_id, protected)


def indicated_participants(case_id: IdColumn) -> ColumnElement[list[int]]:
    """Ids of the case's participants with an active indicator (disclosure
    order or not)."""
    return _participants(case_id, has_indicator)


def _participants(
    case_id: IdColumn, test: Callable[[IdColumn], ColumnElement[bool]]
) -> ColumnElement[list[int]]:
    cp = aliased(CaseParticipant)
    return func.array(
        select(cp.party_id)
        .where(cp.case_id == case_id, test(cp.party_id))
        .scalar_subquery()
    )
