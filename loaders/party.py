"""People: the viewer's own record, the people on a case, a person by id.

Rows of people on cases carry every column a field may serve, plus
``case_id`` (the case they were reached through), ``family_violence_indicator`` (an
active indicator) and ``protected`` (active, no court-ordered disclosure);
the declared rules decide per field what each caller gets.
"""

from __future__ import annotations

from sqlalchemy import any_, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable

from auth.authorization.filters import (
    PRINCIPAL_ID,
    case_visible,
    has_indicator,
    protected,
)
from auth.principal import Principal
from db.models import CaseParticipant, Party
from loaders.base import ID_KEYS, ManyByKey, OneByKey, VisibleOneByKey
from loaders.ids import global_id

PARTY_COLUMNS = (
    Party.id.label("pk"),
    global_id("Party", Party.id).label("id"),
    Party.first_name,
    Party.middle_name,
    Party.last_name,
    Party.date_of_birth,
    ("***-**-" + Party.ssn_last4).label("masked_ssn"),
    Party.address_line1,
    Party.address_line2,
    Party.city,
    Party.state,
    Party.postal_code,
    Party.phone,
    Party.email,
    (Party.email_verified_at.is_not(None)).label("email_verified"),
    (Party.phone_verified_at.is_not(None)).label("phone_confirmed"),
    Party.version.label("contact_version"),
)

_INDICATORS = (
    has_indicator(Party.id).label("family_violence_indicator"),
    protected(Party.id).label("protected"),
)


class PartyByIdLoader(OneByKey[int]):
    """A party's own full record (the ``viewer``)."""

    statement = select(*PARTY_COLUMNS).where(Party.id == any_(ID_KEYS))


class ParticipantsByCaseIdLoader(ManyByKey[int]):
    """Who is on each case, in which role, with their record and indicators."""

    key_field = "case_id"
    statement = (
        select(
            CaseParticipant.case_id,
            CaseParticipant.role,
            *PARTY_COLUMNS,
            *_INDICATORS,
        )
        .join(Party, Party.id == CaseParticipant.party_id)
        .where(CaseParticipant.case_id == any_(ID_KEYS))
        .order_by(CaseParticipant.case_id, CaseParticipant.role, Party.id)
    )


class PartyNodeLoader(VisibleOneByKey[int]):
    """A person by id for ``node``: the caller themselves, or someone on a case
    the caller may reach; ``case_id`` is the first such case."""

    def build(self, principal: Principal) -> Executable:
        cp = aliased(CaseParticipant)
        via = (
            select(func.min(cp.case_id))
            .where(cp.party_id == Party.id, case_visible(principal, cp.case_id))
            .scalar_subquery()
        )
        mine = Party.id == PRINCIPAL_ID if principal.is_party else None
        reachable = via.is_not(None) if mine is None else or_(mine, via.is_not(None))
        return select(*PARTY_COLUMNS, *_INDICATORS, via.label("case_id")).where(
            Party.id == any_(ID_KEYS), reachable
        )
