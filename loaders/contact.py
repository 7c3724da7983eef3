"""A party's pending changes: the newest e-mail confirmation, reported employers."""

from __future__ import annotations

from sqlalchemy import any_, func, select
from sqlalchemy.dialects.postgresql import distinct_on

from db.enums import NotificationChannel
from db.models import ContactConfirmation, EmployerReport
from loaders.base import ID_KEYS, ManyByKey, OneByKey

_C = ContactConfirmation


class NewestEmailConfirmationByPartyIdLoader(OneByKey[int]):
    """The newest e-mail confirmation of each party (only the newest counts),
    with the database's clock to judge whether it is still pending."""

    key_field = "party_id"
    statement = (
        select(
            _C.party_id,
            _C.value,
            _C.code_digest,
            _C.attempts,
            _C.expires_at,
            _C.consumed_at,
            func.now().label("now"),
        )
        .where(
            _C.party_id == any_(ID_KEYS),
            _C.channel == NotificationChannel.EMAIL,
        )
        .ext(distinct_on(_C.party_id))
        .order_by(_C.party_id, _C.id.desc())
    )


class EmployerReportsByPartyIdLoader(ManyByKey[int]):
    """Employers a party (or their caseworker) reported, newest first."""

    key_field = "party_id"
    statement = (
        select(
            EmployerReport.id.label("pk"),
            EmployerReport.party_id,
            EmployerReport.employer_name,
            EmployerReport.address_line1,
            EmployerReport.city,
            EmployerReport.state,
            EmployerReport.postal_code,
            EmployerReport.phone,
            EmployerReport.start_date,
            EmployerReport.income,
            EmployerReport.income_frequency,
            EmployerReport.status,
            EmployerReport.created_at.label("reported_at"),
        )
        .where(EmployerReport.party_id == any_(ID_KEYS))
        .order_by(
            EmployerReport.party_id,
            EmployerReport.created_at.desc(),
            EmployerReport.id.desc(),
        )
    )
