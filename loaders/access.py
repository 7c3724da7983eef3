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


def _statement(principal: Principal) -> Any:
    """Built once per principal shape (``built_for``); the id is bound."""
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
    return select(
        Case.id.label("case_id"),
        roles.label("roles"),
        caseworker.label("caseworker"),
        scopes.label("share_scopes"),
        filters.protected_participants(Case.id).label("protected_ids"),
        filters.indicated_participants(Case.id).label("indicated_ids"),
    ).where(Case.id == any_(ID_KEYS))


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
        found = {
            row.case_id: CaseAccess(
                case_id=row.case_id,
                roles=frozenset(ParticipantRole(r) for r in row.roles or ()),
                caseworker=bool(row.caseworker),
                share_scopes=frozenset(row.share_scopes or ()),
                protected_party_ids=frozenset(row.protected_ids or ()),
                indicated_party_ids=frozenset(row.indicated_ids or ()),
            )
            for row in result
        }
        return [found.get(key, CaseAccess(case_id=key)) for key in keys]
