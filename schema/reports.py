"""Reporting a new employer or a health-insurance policy: inputs and payloads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from db.enums import CoverageType, Frequency
from schema.contact import ContactError
from schema.employer_report import EmployerReport
from schema.personal import InsurancePolicy


@strawberry.input(description="Where an employer is.")
class EmployerAddressInput:
    line1: str
    city: str
    state: str = strawberry.field(
        description="Two-letter code of a US state or territory (TX, DC, PR)."
    )
    postal_code: str = strawberry.field(description="ZIP code or ZIP+4.")


@strawberry.input(
    description=(
        "A new job. Your caseworker verifies it; until then it shows as PENDING."
    )
)
class ReportEmployerChangeInput:
    party_id: strawberry.ID | None = strawberry.field(
        default=None, description="Caseworkers: the party you act for."
    )
    employer_name: str
    address: EmployerAddressInput | None = None
    phone: str | None = None
    start_date: date = strawberry.field(
        description="Not before 1900, at most a year from today."
    )
    income: Decimal | None = strawberry.field(
        default=None,
        description=(
            "Gross pay per pay period, in dollars and cents (with the frequency)."
        ),
    )
    income_frequency: Frequency | None = None


@strawberry.type(description="The result of reportEmployerChange.")
class ReportEmployerChangePayload:
    employer_report: EmployerReport | None = strawberry.field(
        description="The report as stored (null on errors)."
    )
    errors: list[ContactError]


@strawberry.input(
    description=(
        "A health-insurance policy you hold. The policy number reads back "
        "masked (its last four characters)."
    )
)
class ReportHealthInsuranceInput:
    party_id: strawberry.ID | None = strawberry.field(
        default=None, description="Caseworkers: the party you act for."
    )
    carrier: str
    policy_number: str
    group_number: str | None = None
    coverage_type: CoverageType
    start_date: date = strawberry.field(
        description="Not before 1900, at most a year from today."
    )
    covered_children: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Children on your cases the policy covers (their IDs).",
    )


@strawberry.type(description="The result of reportHealthInsurance.")
class ReportHealthInsurancePayload:
    insurance_policy: InsurancePolicy | None = strawberry.field(
        description="The policy as stored (null on errors)."
    )
    errors: list[ContactError]
