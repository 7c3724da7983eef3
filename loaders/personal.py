"""A party's own records: employment, health insurance, notification options,
and how they receive payments."""

from __future__ import annotations

from sqlalchemy import any_, func, select

from db.models import (
    DisbursementPreference,
    Employer,
    Employment,
    InsurancePolicy,
    NotificationPreference,
)
from loaders.base import ID_KEYS, ManyByKey, OneByKey


class EmploymentsByPartyIdLoader(ManyByKey[int]):
    key_field = "party_id"
    statement = (
        select(
            Employment.party_id,
            Employment.start_date,
            Employment.end_date,
            Employment.income_withholding,
            Employment.verified,
            Employer.name.label("employer_name"),
            Employer.address_line1,
            Employer.city,
            Employer.state,
            Employer.postal_code,
            Employer.phone,
        )
        .join(Employer, Employer.id == Employment.employer_id)
        .where(Employment.party_id == any_(ID_KEYS))
        .order_by(Employment.party_id, Employment.start_date.desc())
    )


#: A policy as it may be read: the number only masked (its last four).
POLICY_COLUMNS = (
    InsurancePolicy.id.label("pk"),
    InsurancePolicy.holder_party_id,
    InsurancePolicy.carrier,
    ("****" + func.right(InsurancePolicy.policy_number, 4)).label(
        "masked_policy_number"
    ),
    InsurancePolicy.group_number,
    InsurancePolicy.coverage_type,
    InsurancePolicy.start_date,
    InsurancePolicy.end_date,
    InsurancePolicy.reported_at,
)


class PoliciesByPartyIdLoader(ManyByKey[int]):
    key_field = "holder_party_id"
    statement = (
        select(*POLICY_COLUMNS)
        .where(InsurancePolicy.holder_party_id == any_(ID_KEYS))
        .order_by(
            InsurancePolicy.holder_party_id,
            InsurancePolicy.start_date.desc(),
            InsurancePolicy.id.desc(),
        )
    )


class PolicyByIdLoader(OneByKey[int]):
    """One policy (the one just reported)."""

    statement = select(*POLICY_COLUMNS).where(InsurancePolicy.id == any_(ID_KEYS))


class NotificationPreferencesByPartyIdLoader(ManyByKey[int]):
    key_field = "party_id"
    statement = (
        select(
            NotificationPreference.party_id,
            NotificationPreference.topic,
            NotificationPreference.channel,
            NotificationPreference.opted_in,
            NotificationPreference.updated_at,
        )
        .where(NotificationPreference.party_id == any_(ID_KEYS))
        .order_by(
            NotificationPreference.party_id,
            NotificationPreference.topic,
            NotificationPreference.channel,
        )
    )


class DisbursementPreferenceByPartyIdLoader(OneByKey[int]):
    key_field = "party_id"
    statement = select(
        DisbursementPreference.party_id,
        DisbursementPreference.method,
        DisbursementPreference.account_last4,
        DisbursementPreference.routing_number,
        DisbursementPreference.account_type,
        DisbursementPreference.version,
        DisbursementPreference.updated_at,
    ).where(DisbursementPreference.party_id == any_(ID_KEYS))
