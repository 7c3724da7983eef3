"""How a principal stands to one case: the input of every decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auth.authorization.rules import Relation
from db.enums import ParticipantRole

_CUSTODIAL = frozenset({ParticipantRole.OBLIGEE, ParticipantRole.CARETAKER})


@dataclass(frozen=True, slots=True)
class CaseAccess:
    """What one principal has on one case, looked up in one statement per
    batch of cases (``loaders.access.AccessByCaseIdLoader``).

    ``roles``: the caller's roles on the case (parents); ``caseworker``: the
    caller is staff of the office running it or assigned to it;
    ``share_scopes``: what the case's share with the calling agency grants
    (empty when not shared or revoked); ``protected_party_ids``: participants
    under an active family-violence indicator without a disclosure order.
    """

    case_id: int
    roles: frozenset[ParticipantRole] = frozenset()
    caseworker: bool = False
    share_scopes: frozenset[str] = frozenset()
    protected_party_ids: frozenset[int] = frozenset()

    @property
    def relations(self) -> frozenset[Relation]:
        """The relations this access gives, ``SELF`` aside (that is per row)."""
        found: set[Relation] = set()
        if self.roles:
            found.add(Relation.PARENT)
        if self.roles & _CUSTODIAL:
            found.add(Relation.CUSTODIAN)
        if self.caseworker:
            found.add(Relation.CASEWORKER)
        if self.share_scopes:
            found.add(Relation.PARTNER)
        return frozenset(found)


NO_ACCESS = CaseAccess(case_id=0)


def combined(accesses: Iterable[CaseAccess]) -> CaseAccess:
    """One access over several cases (a child on more than one): the union."""
    roles: set[ParticipantRole] = set()
    scopes: set[str] = set()
    protected: set[int] = set()
    caseworker = False
    case_id = 0
    for access in accesses:
        case_id = case_id or access.case_id
        roles |= access.roles
        scopes |= access.share_scopes
        protected |= access.protected_party_ids
        caseworker = caseworker or access.caseworker
    return CaseAccess(
        case_id, frozenset(roles), caseworker, frozenset(scopes), frozenset(protected)
    )
