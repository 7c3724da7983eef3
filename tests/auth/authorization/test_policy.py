"""The policy decides from principal, case access and row: pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

import pytest

from auth.authorization import policy
from auth.authorization.access import CaseAccess, with_related_roles
from auth.authorization.policy import Outcome
from auth.authorization.rules import FIELDS, TYPES, Relation
from auth.principal import Principal, PrincipalKind
from db.enums import ParticipantRole, PaymentSource

DOB = FIELDS[("Party", "dateOfBirth")]
CHILD_DOB = FIELDS[("Child", "dateOfBirth")]
AUDIT = FIELDS[("Case", "auditTrail")]


def _principal(
    kind: PrincipalKind, pk: int = 7, scopes: Iterable[str] = ()
) -> Principal:
    return Principal(kind, pk, "iss", "sub", frozenset(scopes))


PARENT = _principal(PrincipalKind.PARTY, scopes={"cases:read"})
STAFF = _principal(PrincipalKind.STAFF, scopes={"cases:read"})


def _partner(*scopes: str) -> Principal:
    return _principal(PrincipalKind.AGENCY, scopes=scopes)


def _shared(*scopes: str) -> CaseAccess:
    return CaseAccess(case_id=1, share_scopes=frozenset(scopes))


OBLIGOR = CaseAccess(case_id=1, roles=frozenset({ParticipantRole.OBLIGOR}))
OBLIGEE = CaseAccess(case_id=1, roles=frozenset({ParticipantRole.OBLIGEE}))
ASSIGNED = CaseAccess(case_id=1, caseworker=True)


def test_a_partner_reads_with_the_intersection_of_token_and_share() -> None:
    # the token grants more than the share
    wide_token = policy.decide(
        _partner("case:read", "pii:read"), DOB, _shared("case:read")
    )
    # the share grants more than the token
    wide_share = policy.decide(
        _partner("case:read"), DOB, _shared("case:read", "pii:read")
    )
    both = policy.decide(
        _partner("case:read", "pii:read"), DOB, _shared("case:read", "pii:read")
    )
    assert wide_token.outcome is Outcome.FORBID
    assert wide_token.missing_scope == "pii:read"
    assert wide_share.outcome is Outcome.FORBID
    assert both.outcome is Outcome.ALLOW


def test_a_share_without_case_read_gives_a_partner_nothing() -> None:
    partner = _partner("case:read", "pii:read")
    access = _shared("pii:read")
    assert policy.relations(partner, access) == frozenset()
    assert policy.decide(partner, DOB, access).outcome is Outcome.REDACT


def test_protection_redacts_for_partners_and_never_for_staff_or_self() -> None:
    partner = _partner("case:read", "pii:read")
    access = _shared("case:read", "pii:read")
    assert policy.decide(partner, DOB, access, protected=True).outcome is Outcome.REDACT
    assert policy.decide(STAFF, DOB, ASSIGNED, protected=True).outcome is Outcome.ALLOW
    own = policy.decide(PARENT, DOB, OBLIGEE, owner_id=PARENT.id, protected=True)
    assert own.outcome is Outcome.ALLOW
    assert own.relation is Relation.SELF


def test_a_parent_gets_null_for_the_other_partys_personal_data() -> None:
    decision = policy.decide(PARENT, DOB, OBLIGOR, owner_id=99)
    assert decision.outcome is Outcome.REDACT


def test_childrens_details_never_reach_the_paying_parent() -> None:
    assert policy.decide(PARENT, CHILD_DOB, OBLIGOR).outcome is Outcome.REDACT
    assert policy.decide(PARENT, CHILD_DOB, OBLIGEE).outcome is Outcome.ALLOW
    # a child living with a protected person: custodian and staff only
    partner = _partner("case:read", "pii:read")
    shared = _shared("case:read", "pii:read")
    assert policy.decide(partner, CHILD_DOB, shared).outcome is Outcome.ALLOW
    hidden = policy.decide(partner, CHILD_DOB, shared, protected=True)
    assert hidden.outcome is Outcome.REDACT
    kept = policy.decide(PARENT, CHILD_DOB, OBLIGEE, protected=True)
    assert kept.outcome is Outcome.ALLOW


def test_a_child_on_several_cases_is_seen_by_its_custodian_on_any_of_them() -> None:
    caretaker = CaseAccess(2, roles=frozenset({ParticipantRole.CARETAKER}))
    merged = with_related_roles(OBLIGOR, [OBLIGOR, caretaker])
    assert policy.decide(PARENT, CHILD_DOB, merged).outcome is Outcome.ALLOW
    assert merged.case_id == OBLIGOR.case_id  # the case read through decides


def test_a_partners_scopes_are_those_of_the_case_read_through() -> None:
    # a child on a case shared with case:read only, and on another whose
    # share grants pii:read: read through the first, no personal data
    partner = _partner("case:read", "pii:read")
    other = _shared("case:read", "pii:read")
    through = with_related_roles(_shared("case:read"), [other])
    decision = policy.decide(partner, CHILD_DOB, through)
    assert decision.outcome is Outcome.FORBID
    assert decision.missing_scope == "pii:read"


def test_the_audit_trail_is_for_caseworkers() -> None:
    assert policy.decide(STAFF, AUDIT, ASSIGNED).outcome is Outcome.ALLOW
    assert policy.decide(STAFF, AUDIT, CaseAccess(1)).outcome is Outcome.REDACT
    assert policy.decide(PARENT, AUDIT, OBLIGEE).outcome is Outcome.REDACT
    partner = _partner("case:read")
    assert policy.decide(partner, AUDIT, _shared("case:read")).outcome is Outcome.REDACT


def test_relations_ignore_what_does_not_fit_the_principal_kind() -> None:
    # access rows are computed per principal, but the policy does not trust
    # a party with staff or partner relations, and so on
    everything = CaseAccess(
        1, frozenset({ParticipantRole.OBLIGEE}), True, frozenset({"case:read"})
    )
    assert policy.relations(PARENT, everything) == {Relation.PARENT, Relation.CUSTODIAN}
    assert policy.relations(STAFF, everything) == {Relation.CASEWORKER}
    assert policy.relations(_partner("case:read"), everything) == {Relation.PARTNER}
    unlinked = _principal(PrincipalKind.UNLINKED, 0, {"cases:read"})
    assert policy.relations(unlinked, everything) == frozenset()


@pytest.mark.parametrize(
    ("principal", "access", "shown"),
    [
        (PARENT, OBLIGOR, None),
        (STAFF, ASSIGNED, PaymentSource.FEDERAL_TAX_OFFSET),
        (_partner("case:read"), _shared("case:read", "fti:read"), None),
        (_partner("case:read", "fti:read"), _shared("case:read"), None),
        (
            _partner("case:read", "fti:read"),
            _shared("case:read", "fti:read"),
            PaymentSource.FEDERAL_TAX_OFFSET,
        ),
    ],
    ids=["parent", "caseworker", "share only", "token only", "both"],
)
def test_a_federal_tax_offset_names_its_source_only_to_the_entitled(
    principal: Principal, access: CaseAccess, shown: PaymentSource | None
) -> None:
    source = PaymentSource.FEDERAL_TAX_OFFSET
    assert policy.payment_source(principal, access, source) == shown
    other = PaymentSource.INCOME_WITHHOLDING
    assert policy.payment_source(principal, access, other) == other


THREE = frozenset({3})


def test_location_rows_are_hidden_when_another_participant_is_protected() -> None:
    rule = TYPES["CaseDocument"]
    row = SimpleNamespace(discloses_location=True)
    plain = SimpleNamespace(discloses_location=False)
    protected_other = CaseAccess(
        1,
        frozenset({ParticipantRole.OBLIGOR}),
        protected_party_ids=THREE,
        indicated_party_ids=THREE,
    )
    assert policy.row_hidden(PARENT, rule, protected_other, row)
    assert not policy.row_hidden(PARENT, rule, protected_other, plain)
    # the protected person sees their own; staff see everything
    herself = _principal(PrincipalKind.PARTY, 3, {"cases:read"})
    mine = CaseAccess(
        1,
        frozenset({ParticipantRole.OBLIGEE}),
        protected_party_ids=THREE,
        indicated_party_ids=THREE,
    )
    assert not policy.row_hidden(herself, rule, mine, row)
    staff_view = CaseAccess(
        1, caseworker=True, protected_party_ids=THREE, indicated_party_ids=THREE
    )
    assert not policy.row_hidden(STAFF, rule, staff_view, row)
    partner_view = CaseAccess(
        1,
        share_scopes=frozenset({"case:read"}),
        protected_party_ids=THREE,
        indicated_party_ids=THREE,
    )
    assert policy.row_hidden(_partner("case:read"), rule, partner_view, row)


def test_disbursements_show_to_their_payee_not_to_the_other_parent() -> None:
    rule = TYPES["Disbursement"]
    paid_to_me = SimpleNamespace(payee_party_id=PARENT.id)
    paid_to_other = SimpleNamespace(payee_party_id=99)
    assert not policy.row_hidden(PARENT, rule, OBLIGEE, paid_to_me)
    assert policy.row_hidden(PARENT, rule, OBLIGOR, paid_to_other)
    assert not policy.row_hidden(STAFF, rule, ASSIGNED, paid_to_other)


def test_a_disclosure_order_shows_location_rows_to_partners_only() -> None:
    rule = TYPES["CaseActivity"]
    row = SimpleNamespace(discloses_location=True)
    # an indicator with a court-ordered disclosure: not protected from partners
    disclosed = CaseAccess(
        1,
        roles=frozenset({ParticipantRole.OBLIGOR}),
        share_scopes=frozenset({"case:read"}),
        indicated_party_ids=THREE,
    )
    assert not policy.row_hidden(_partner("case:read"), rule, disclosed, row)
    assert policy.row_hidden(PARENT, rule, disclosed, row)
