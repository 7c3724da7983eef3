"""Decisions: may this principal see this object, this field of it?

Pure functions of the principal, its ``CaseAccess`` to the object's case and
the row; they read the declarations in ``rules`` and nothing else (no GraphQL
context, no database). Tests call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from auth.authorization.access import CaseAccess
from auth.authorization.rules import FieldRule, Protection, Relation, TypeRule
from auth.principal import Principal
from db.enums import PaymentSource, ShareScope

TAX_OFFSETS = frozenset(
    {PaymentSource.FEDERAL_TAX_OFFSET, PaymentSource.STATE_TAX_OFFSET}
)

#: Relations that are never redacted: the person themselves, and caseworkers.
_UNRESTRICTED = (Relation.SELF, Relation.CASEWORKER)


class Outcome(StrEnum):
    ALLOW = "allowed"
    REDACT = "redacted"
    FORBID = "denied"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    #: The partner scope whose absence forbids the field, if that is why.
    missing_scope: str | None = None
    #: The relation the decision rests on (the most trusted one that reads).
    relation: Relation | None = None


def effective_scopes(principal: Principal, access: CaseAccess) -> frozenset[str]:
    """A partner reads with the intersection of its token's scopes and the
    scopes its share of the case records: the identity provider alone can
    grant nothing. Other principals read with their token's scopes."""
    if principal.is_agency:
        return principal.scopes & access.share_scopes
    return principal.scopes


def relations(
    principal: Principal, access: CaseAccess, owner_id: int | None = None
) -> frozenset[Relation]:
    """How ``principal`` stands to an object of the case ``access`` is about,
    owned by party ``owner_id`` (if it has an owner)."""
    found = set(access.relations)
    if principal.is_party:
        found -= {Relation.CASEWORKER, Relation.PARTNER}
        if owner_id is not None and owner_id == principal.id:
            found.add(Relation.SELF)
    elif principal.is_staff:
        found &= {Relation.CASEWORKER}
    elif principal.is_agency:
        found &= {Relation.PARTNER}
        if ShareScope.CASE_READ not in effective_scopes(principal, access):
            found.discard(Relation.PARTNER)
    else:
        found.clear()
    return frozenset(found)


def may_reach(rule: TypeRule, found: frozenset[Relation]) -> bool:
    """Whether an object of a type with ``rule`` may be seen at all."""
    return bool(found & rule.readers)


_ORDER = (
    Relation.SELF,
    Relation.CASEWORKER,
    Relation.CUSTODIAN,
    Relation.PARENT,
    Relation.PARTNER,
)


def decide(
    principal: Principal,
    rule: FieldRule,
    access: CaseAccess,
    owner_id: int | None = None,
    protected: bool = False,
) -> Decision:
    """The outcome for one field of one object.

    ``protected`` says the object is under the rule's protection (the row's
    ``protected_key``). The most trusted relation that the rule admits decides.
    Only a partner's missing scope is ``FORBID`` (an error naming the scope);
    a field that is not for this reader, or is protected, is ``REDACT``.
    """
    found = relations(principal, access, owner_id)
    for relation in _ORDER:
        if relation not in found or relation not in rule.readers:
            continue
        if (
            relation is Relation.PARTNER
            and rule.scope is not None
            and rule.scope not in effective_scopes(principal, access)
        ):
            return Decision(Outcome.FORBID, str(rule.scope), relation)
        if relation in _UNRESTRICTED or (
            relation is Relation.CUSTODIAN
            and (rule.protection is Protection.CHILD_OF_PROTECTED)
        ):
            return Decision(Outcome.ALLOW, None, relation)
        if rule.protection is not None and protected:
            return Decision(Outcome.REDACT, None, relation)
        return Decision(Outcome.ALLOW, None, relation)
    # not for this reader at all: withheld like a value that is not there
    return Decision(Outcome.REDACT)


#: Readers who own the data they read (a person, a custodian of their child):
#: not audited.
_OWNERS = (Relation.SELF, Relation.CUSTODIAN)


def audited(rule: FieldRule, decision: Decision) -> bool:
    """Whether reading the field, as ``decision`` allows it, is audited: the
    field is personal data and the reader is not its owner."""
    return rule.personal is not None and decision.relation not in _OWNERS


def row_hidden(
    principal: Principal, rule: TypeRule, access: CaseAccess, row: Any
) -> bool:
    """Whether a row of a list (a document, an activity, a disbursement) is
    withheld from ``principal``."""
    owner = getattr(row, rule.owner_key) if rule.owner_key else None
    found = relations(principal, access, owner)
    if not may_reach(rule, found):
        return True
    if rule.hidden_by is Protection.LOCATION and getattr(
        row, "discloses_location", False
    ):
        if Relation.CASEWORKER in found:
            return False
        if principal.is_party:
            # a disclosure order is for partners: the other parent never
            # learns where a person under an indicator lives
            return bool(access.indicated_party_ids - {principal.id})
        return bool(access.protected_party_ids)
    return False


def sees_tax_source(principal: Principal, access: CaseAccess) -> bool:
    """Federal tax information: caseworkers, and partners whose share grants it."""
    found = relations(principal, access)
    if Relation.CASEWORKER in found:
        return True
    return Relation.PARTNER in found and ShareScope.FEDERAL_TAX_INFO in (
        effective_scopes(principal, access)
    )


def payment_source(
    principal: Principal, access: CaseAccess, source: PaymentSource
) -> PaymentSource | None:
    """The source as the caller may see it: ``None`` stands for the coarse
    "tax offset" label."""
    if source in TAX_OFFSETS and not sees_tax_source(principal, access):
        return None
    return source
