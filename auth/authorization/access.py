"""How a principal stands to one case: the input of every decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from auth.authorization.rules import Relation
from db.enums import ParticipantRole

#: Roles of the parent or caretaker a child lives with.
CUSTODIAL_ROLES = frozenset({ParticipantRole.OBLIGEE, ParticipantRole.CARETAKER})


@dataclass(frozen=True, slots=True)
class CaseAccess:
    """What one principal has on one case, looked up in one statement per
    batch of cases (``loaders.access.AccessByCaseIdLoader``).

    ``roles``: the caller's roles on the case (parents); ``caseworker``: the
    caller is staff of the office running it or assigned to it;
    ``share_scopes``: what the case's share with the calling agency grants
    (empty when not shared or revoked); ``indicated_party_ids``: participants
    under an active family-violence indicator; ``protected_party_ids``: those
    of them without a court-ordered disclosure (which lifts the protection for
    partners only: the other parent never learns where they live).
    """

    case_id: int
    roles: frozenset[ParticipantRole] = frozenset()
    caseworker: bool = False
    share_scopes: frozenset[str] = frozenset()
    protected_party_ids: frozenset[int] = frozenset()
    indicated_party_ids: frozenset[int] = frozenset()
    #: The relations this access gives, ``SELF`` aside (that is per row);
    #: derived from the fields above once (every field decision reads them).
    relations: frozenset[Relation] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "relations", self._relations())

    def _relations(self) -> frozenset[Relation]:
        found: set[Relation] = set()
        if self.roles:
            found.add(Relation.PARENT)
        if self.roles & CUSTODIAL_ROLES:
            found.add(Relation.CUSTODIAN)
        if self.caseworker:
            found.add(Relation.CASEWORKER)
        if self.share_scopes:
            found.add(Relation.PARTNER)
        return frozenset(found)


NO_ACCESS = CaseAccess(case_id=0)


def with_related_roles(
    primary: CaseAccess, related: Iterable[CaseAccess]
) -> CaseAccess:
    """``primary`` (the case an object was read through decides everything),
    with the caller's parent roles on ``related`` cases added: a child is
    seen as by their custodian whichever of the child's cases it is read on."""
    roles = set(primary.roles)
    for access in related:
        roles |= access.roles
    return replace(primary, roles=frozenset(roles))
