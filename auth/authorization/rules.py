"""Who may read what: declarations, as plain data.

Nothing here runs a check. ``auth.authorization.policy`` decides from these
tables, the schema attaches one guard to every field named in ``FIELDS``
(``schema.permissions``), and ``auth.authorization.filters`` turns ``TYPES``
into SQL. A query compiler reads the same tables and applies the same rules.

Relations (how the caller stands to an object's case):

- ``SELF``: the object is the caller's own (their party record, their thread,
  a disbursement paid to them);
- ``CUSTODIAN``: the caller is the obligee or caretaker on the case;
- ``PARENT``: the caller is any party on the case (obligor included);
- ``CASEWORKER``: a staff member of the office running the case, or assigned;
- ``PARTNER``: an agency the case is shared with (``partner_case_shares``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from db.enums import ParticipantRole, ShareScope


class Relation(StrEnum):
    SELF = "self"
    CUSTODIAN = "custodian"
    PARENT = "parent"
    CASEWORKER = "caseworker"
    PARTNER = "partner"


class Protection(StrEnum):
    """Why a value a reader may otherwise see is withheld from them."""

    #: The person the value is about has an active family-violence indicator
    #: and no court-ordered disclosure: hidden from everyone but that person
    #: and caseworkers.
    FAMILY_VIOLENCE = "family_violence"
    #: A child living with a protected person: the child's address and date of
    #: birth are hidden from everyone but the custodian and caseworkers.
    CHILD_OF_PROTECTED = "child_of_protected"
    #: A document or activity revealing where a protected participant lives
    #: (or that it changed): hidden from everyone but that person and staff.
    LOCATION = "location"


class PersonalData(StrEnum):
    """Categories of personal data; reading one of someone else's is audited."""

    SSN = "ssn"
    DATE_OF_BIRTH = "date_of_birth"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    EMPLOYER = "employer"


R = Relation
ANYONE_ON_CASE = frozenset({R.SELF, R.PARENT, R.CASEWORKER, R.PARTNER})
STAFF_AND_PARTNERS = frozenset({R.SELF, R.CASEWORKER, R.PARTNER})
PARENTS_AND_STAFF = frozenset({R.SELF, R.PARENT, R.CASEWORKER})
SELF_AND_CASEWORKERS = frozenset({R.SELF, R.CASEWORKER})


@dataclass(frozen=True, slots=True)
class TypeRule:
    """Who may reach objects of a type, and where a row keeps its case.

    ``case_key`` names the row attribute holding the id of the case the
    object was read through; ``related_cases_key`` the attribute listing
    other cases on which the caller's parent roles also count (a child on
    several cases); ``owner_key`` the attribute holding the party the object
    belongs to (for ``SELF``). Which cases a principal may reach at all is
    ``filters.case_visible``, one SQL predicate per kind (a partner's share
    and token must both grant ``case:read``).
    """

    readers: frozenset[Relation]
    case_key: str | None = "case_id"
    related_cases_key: str | None = None
    owner_key: str | None = None
    #: Rows of this type in a list are dropped under this protection.
    hidden_by: Protection | None = None


@dataclass(frozen=True, slots=True)
class FieldRule:
    """Who may read one field of a type.

    A partner whose effective scopes lack ``scope`` gets ``null`` and a
    ``FORBIDDEN`` error naming the scope. A reader outside ``readers``, or one
    the ``protection`` covers, gets ``null`` (``[]`` for a list) without an
    error, as if there were no value. ``personal`` fields are audited when
    read by anyone other than their owner; ``tax_source`` fields show a
    federal or state tax offset only to readers entitled to federal tax
    information.
    """

    readers: frozenset[Relation]
    scope: ShareScope | None = None
    personal: PersonalData | None = None
    protection: Protection | None = None
    #: The row attribute saying the protection applies (a boolean).
    protected_key: str | None = None
    tax_source: bool = False
    #: For a list of rows: the type whose ``TypeRule`` drops rows the reader
    #: may not see (owners, protections), within the list's case.
    items: str | None = None


#: Types whose objects are reached through a case (``node``, lists, fields).
TYPES: Mapping[str, TypeRule] = {
    "Case": TypeRule(ANYONE_ON_CASE, case_key="pk"),
    "Order": TypeRule(ANYONE_ON_CASE),
    "Payment": TypeRule(ANYONE_ON_CASE),
    "Party": TypeRule(ANYONE_ON_CASE, owner_key="pk"),
    "Viewer": TypeRule(frozenset({R.SELF}), case_key=None, owner_key="pk"),
    "Child": TypeRule(ANYONE_ON_CASE, related_cases_key="case_ids"),
    "MessageThread": TypeRule(frozenset({R.SELF, R.CASEWORKER}), owner_key="party_id"),
    "CaseActivity": TypeRule(ANYONE_ON_CASE, hidden_by=Protection.LOCATION),
    "CaseDocument": TypeRule(ANYONE_ON_CASE, hidden_by=Protection.LOCATION),
    "Disbursement": TypeRule(STAFF_AND_PARTNERS, owner_key="payee_party_id"),
    "AuditEvent": TypeRule(frozenset({R.CASEWORKER})),
}


def _pii(personal: PersonalData) -> FieldRule:
    return FieldRule(
        readers=STAFF_AND_PARTNERS,
        scope=ShareScope.PERSONAL_DATA,
        personal=personal,
        protection=Protection.FAMILY_VIOLENCE,
        protected_key="protected",
    )


def _child(personal: PersonalData | None) -> FieldRule:
    return FieldRule(
        readers=frozenset({R.CUSTODIAN, R.CASEWORKER, R.PARTNER}),
        scope=ShareScope.PERSONAL_DATA,
        personal=personal,
        protection=Protection.CHILD_OF_PROTECTED,
        protected_key="protected",
    )


#: Fields with a rule. Fields of a guarded type not named here are readable by
#: anyone who may reach the object (``OPEN_FIELDS`` lists them, and a test
#: fails when a field is in neither).
FIELDS: Mapping[tuple[str, str], FieldRule] = {
    # a person on a case: names for everyone who sees the case; the rest for
    # the person, caseworkers, and partners granted personal data
    ("Party", "dateOfBirth"): _pii(PersonalData.DATE_OF_BIRTH),
    ("Party", "maskedSsn"): _pii(PersonalData.SSN),
    ("Party", "mailingAddress"): _pii(PersonalData.ADDRESS),
    ("Party", "phone"): _pii(PersonalData.PHONE),
    ("Party", "email"): _pii(PersonalData.EMAIL),
    ("Party", "employments"): _pii(PersonalData.EMPLOYER),
    ("Party", "familyViolenceIndicator"): FieldRule(
        readers=STAFF_AND_PARTNERS, scope=ShareScope.CASE_READ
    ),
    # what the person and their caseworker need to change the person's
    # records: the contact details' version, employers reported but not yet
    # verified (not partners': unverified, and no share grants it)
    ("Party", "contactVersion"): FieldRule(readers=SELF_AND_CASEWORKERS),
    ("Party", "employerReports"): FieldRule(
        readers=SELF_AND_CASEWORKERS, personal=PersonalData.EMPLOYER
    ),
    # children: never the paying parent; never anyone but the custodian and
    # staff when the child lives with a protected person
    ("Child", "dateOfBirth"): _child(PersonalData.DATE_OF_BIRTH),
    ("Child", "expectedEmancipationDate"): _child(PersonalData.DATE_OF_BIRTH),
    ("Child", "addressLine1"): _child(PersonalData.ADDRESS),
    ("Child", "city"): _child(PersonalData.ADDRESS),
    ("Child", "state"): _child(PersonalData.ADDRESS),
    ("Child", "postalCode"): _child(PersonalData.ADDRESS),
    # the case: parents' own view, staff-only history
    ("Case", "myRole"): FieldRule(readers=frozenset({R.PARENT})),
    ("Case", "otherParty"): FieldRule(readers=frozenset({R.PARENT})),
    ("Case", "messageThreads"): FieldRule(
        readers=PARENTS_AND_STAFF, items="MessageThread"
    ),
    ("Case", "activities"): FieldRule(readers=ANYONE_ON_CASE, items="CaseActivity"),
    ("Case", "documents"): FieldRule(readers=ANYONE_ON_CASE, items="CaseDocument"),
    ("Case", "hearings"): FieldRule(readers=PARENTS_AND_STAFF),
    ("Case", "auditTrail"): FieldRule(readers=frozenset({R.CASEWORKER})),
    # payments: a tax offset's source is federal tax information
    ("Payment", "source"): FieldRule(readers=ANYONE_ON_CASE, tax_source=True),
    ("Payment", "disbursements"): FieldRule(
        readers=ANYONE_ON_CASE, items="Disbursement"
    ),
}

#: Fields of guarded types that anyone reaching the object may read.
OPEN_FIELDS: Mapping[str, frozenset[str]] = {
    "Party": frozenset({"id", "firstName", "middleName", "lastName"}),
    "Child": frozenset({"id", "firstName", "lastName"}),
    "Case": frozenset(
        {
            "id",
            "caseNumber",
            "status",
            "caseType",
            "assistanceStatus",
            "openedOn",
            "closedOn",
            "updatedAt",
            "office",
            "caseworker",
            "participants",
            "children",
            "orders",
        }
    ),
    "Payment": frozenset(
        {
            "id",
            "amount",
            "collectedOn",
            "postedOn",
            "status",
            "reference",
            "allocations",
        }
    ),
}


class Target(StrEnum):
    """What a mutation's input names, and so how the acted-for party is found."""

    #: The party's own records (``partyId`` in the input, for staff only).
    PARTY = "party"
    #: A support order (``orderId``): the party is its obligor on the case.
    ORDER = "order"
    #: A case (``caseNumber``): the party is a participant.
    CASE = "case"
    #: A message thread (``threadId``): the party the thread belongs to.
    THREAD = "thread"


@dataclass(frozen=True, slots=True)
class MutationRule:
    """Who may make one change, on whose behalf.

    ``actors``: ``SELF`` (a parent, for themselves) and ``CASEWORKER`` (staff
    acting for a party on a case of their office or assigned to them; recorded
    as such). ``PARTNER`` only where a partner's share grants ``share_scope``
    (none does today: partners have no mutations). ``roles``: the party acted
    for must hold one of them on the case (or any case, for ``PARTY``
    targets), e.g. only the obligor pays an order.
    """

    actors: frozenset[Relation]
    target: Target
    roles: frozenset[ParticipantRole] | None = None
    share_scope: ShareScope | None = None


_SELF_OR_CASEWORKER = frozenset({R.SELF, R.CASEWORKER})
_CUSTODIAL = frozenset({ParticipantRole.OBLIGEE, ParticipantRole.CARETAKER})

#: Every mutation but ``linkAccount`` (a login not linked yet, see
#: ``resolvers.link_account``). A mutation not listed here is refused, and a
#: test fails when the schema has a mutation without a rule.
MUTATIONS: Mapping[str, MutationRule] = {
    "makePayment": MutationRule(
        _SELF_OR_CASEWORKER,
        Target.ORDER,
        roles=frozenset({ParticipantRole.OBLIGOR}),
    ),
    "updateContactInformation": MutationRule(_SELF_OR_CASEWORKER, Target.PARTY),
    "confirmEmailChange": MutationRule(frozenset({R.SELF}), Target.PARTY),
    "confirmPhone": MutationRule(frozenset({R.SELF}), Target.PARTY),
    "reportEmployerChange": MutationRule(_SELF_OR_CASEWORKER, Target.PARTY),
    "reportHealthInsurance": MutationRule(_SELF_OR_CASEWORKER, Target.PARTY),
    "updateNotificationPreferences": MutationRule(_SELF_OR_CASEWORKER, Target.PARTY),
    "updateDisbursementPreference": MutationRule(
        _SELF_OR_CASEWORKER, Target.PARTY, roles=_CUSTODIAL
    ),
    "sendMessage": MutationRule(frozenset({R.SELF}), Target.CASE),
    "replyToMessage": MutationRule(_SELF_OR_CASEWORKER, Target.THREAD),
    "markMessagesRead": MutationRule(_SELF_OR_CASEWORKER, Target.THREAD),
}
