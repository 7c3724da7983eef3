"""A parent's report of a new employer: what may be stored, as stored.

Pure: the typed input in, the row's values out, or ``Refused`` listing every
problem. The caseworker verifies the report; until then it is pending.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.contact import LINE_MAX, Address, clean_phone, clean_text, full_address
from domain.field_errors import INVALID, REQUIRED, FieldError, Refused
from domain.reported_dates import check_start_date

#: The most income a report may state for one pay period.
MAX_INCOME = Decimal("1000000.00")
CENTS = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class EmployerReportDraft:
    """The values of a new ``employer_reports`` row."""

    employer_name: str
    address: Address | None
    phone: str | None
    start_date: date
    income: Decimal | None
    income_frequency: str | None


def check_income(
    value: Decimal, field: str, errors: list[FieldError]
) -> Decimal | None:
    """A positive amount in dollars and cents, at most ``MAX_INCOME``."""
    if not value.is_finite() or value <= 0:
        errors.append(FieldError(INVALID, field, "Give a positive amount."))
        return None
    # the bound first: a huge value cannot even be rounded to cents
    if value > MAX_INCOME:
        errors.append(
            FieldError(INVALID, field, f"At most {MAX_INCOME:,} per pay period.")
        )
        return None
    if value != value.quantize(CENTS, rounding="ROUND_DOWN"):
        errors.append(
            FieldError(INVALID, field, "Give the amount in dollars and cents.")
        )
        return None
    return value.quantize(CENTS)


def draft_employer_report(
    *,
    employer_name: str,
    address: Mapping[str, str | None] | None,
    phone: str | None,
    start_date: date,
    income: Decimal | None,
    income_frequency: str | None,
    today: date,
) -> EmployerReportDraft:
    """The report to store, or ``Refused`` with every problem found."""
    errors: list[FieldError] = []
    name = clean_text(employer_name, "employerName", LINE_MAX, errors)
    where = None if address is None else full_address(address, "address", errors)
    number = None if phone is None else clean_phone(phone, "phone", errors)
    check_start_date(start_date, today, "startDate", errors)
    amount = None if income is None else check_income(income, "income", errors)
    if income is not None and income_frequency is None:
        errors.append(
            FieldError(REQUIRED, "incomeFrequency", "Say how often you are paid.")
        )
    if income is None and income_frequency is not None:
        errors.append(
            FieldError(REQUIRED, "income", "Give the amount paid each period.")
        )
    if errors:
        raise Refused(*errors)
    assert name is not None
    return EmployerReportDraft(
        employer_name=name,
        address=where,
        phone=number,
        start_date=start_date,
        income=amount,
        income_frequency=income_frequency,
    )
