"""What the calling principal has on each case: one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import any_, false, func, null, select
from sqlalchemy.orm import aliased

from auth.authorization import filters
from auth.authorization.access import CaseAccess
from auth.principal import NOBODY, Principal
from db.enums import ParticipantRole
from db.models import Case, CaseParticipant
from loaders.base import ID_KEYS, Source, built_for, read


def access_columns(principal: Principal) -> list[Any]:
    """What ``principal`` has on the case of the statement's ``cases`` row,
    as columns: the access statement selects them by case id, and
    statements that read cases for the principal select them too, so that
    the rules need no second statement for those cases
    (:meth:`AccessByCaseIdLoader.prime_from`)."""
    roles: Any = null()
    caseworker: Any = false()
    scopes: Any = null()
    if principal.is_party:
        cp = aliased(CaseParticipant)
        roles = func.array(
            select(cp.role)
            .where(cp.case_id == Case.id, cp.party_id == filters.PRINCIPAL_ID)
            .scalar_subquery()
        )
    elif principal.is_staff:
        caseworker = filters.staff_reaches(filters.PRINCIPAL_ID, Case)
    elif principal.is_agency:
        scopes = filters.active_share_scopes(filters.PRINCIPAL_ID, Case.id)
    return [
        roles.label("access_roles"),
        caseworker.label("access_caseworker"),
        scopes.label("access_share_scopes"),
        filters.protected_participants(Case.id).label("access_protected_ids"),
        filters.indicated_participants(Case.id).label("access_indicated_ids"),
    ]


def access_of(case_id: int, row: Any) -> CaseAccess:
    """The ``CaseAccess`` in a row holding :func:`access_columns`."""
    return CaseAccess(
        case_id=case_id,
        roles=frozenset(ParticipantRole(r) for r in row.access_roles or ()),
        caseworker=bool(row.access_caseworker),
        share_scopes=frozenset(row.access_share_scopes or ()),
        protected_party_ids=frozenset(row.access_protected_ids or ()),
        indicated_party_ids=frozenset(row.access_indicated_ids or ()),
    )


def _statement(principal: Principal) -> Any:
    """Built once per principal shape (``built_for``); the id is bound."""
    return select(Case.id.label("case_id"), *access_columns(principal)).where(
        Case.id == any_(ID_KEYS)
    )


class AccessByCaseIdLoader(DataLoader[int, CaseAccess]):
    """The request principal's ``CaseAccess`` per case id (no access for a
    case that does not exist)."""

    def __init__(self, engine: Source, principal: Principal | None) -> None:
        super().__init__()
        self.engine = engine
        self.principal = principal or NOBODY
        self.statement = built_for(_statement, self.principal, _statement)

    async def batch_load_fn(self, keys: Sequence[int]) -> list[CaseAccess]:
        params = {"keys": list(keys), "principal_id": self.principal.id}
        result = await read(self.engine, self.statement, params)
        found = {row.case_id: access_of(row.case_id, row) for row in result}
        return [found.get(key, CaseAccess(case_id=key)) for key in keys]

    def prime_from(self, rows: Sequence[Any]) -> None:
        """Keep the access in case rows read with :func:`access_columns`
        (for this loader's principal): no statement for those cases."""
        for row in rows:
            self.prime(row.pk, access_of(row.pk, row))
