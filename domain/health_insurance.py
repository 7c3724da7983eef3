"""A parent's report of a health-insurance policy: what may be stored.

The policy number is stored (the agency needs it for medical support), but
reads back only masked: its last four characters. So a number must be long
enough for the mask to hide most of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.contact import LINE_MAX, clean_text
from domain.field_errors import INVALID, FieldError, Refused
from domain.reported_dates import check_start_date

NUMBER_MIN = 5
NUMBER_MAX = 40
#: Children one report may name.
CHILDREN_MAX = 20
_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]*")


@dataclass(frozen=True, slots=True)
class PolicyDraft:
    """The values of a new ``insurance_policies`` row."""

    carrier: str
    policy_number: str
    group_number: str | None
    coverage_type: str
    start_date: date


def clean_policy_number(value: str, field: str, errors: list[FieldError]) -> str | None:
    """Letters, digits and hyphens, upper-case, spaces dropped; 5 to 40."""
    number = re.sub(r"\s", "", value).upper()
    if not (NUMBER_MIN <= len(number) <= NUMBER_MAX and _NUMBER.fullmatch(number)):
        errors.append(
            FieldError(
                INVALID,
                field,
                f"Use the number on your insurance card: {NUMBER_MIN} to "
                f"{NUMBER_MAX} letters, digits or hyphens.",
            )
        )
        return None
    return number


def draft_policy(
    *,
    carrier: str,
    policy_number: str,
    group_number: str | None,
    coverage_type: str,
    start_date: date,
    children: int,
    today: date,
) -> PolicyDraft:
    """The policy to store, or ``Refused`` with every problem found."""
    errors: list[FieldError] = []
    name = clean_text(carrier, "carrier", LINE_MAX, errors)
    number = clean_policy_number(policy_number, "policyNumber", errors)
    group = None
    if group_number is not None and group_number.strip():
        group = clean_policy_number(group_number, "groupNumber", errors)
    check_start_date(start_date, today, "startDate", errors)
    if children > CHILDREN_MAX:
        errors.append(
            FieldError(INVALID, "coveredChildren", f"At most {CHILDREN_MAX} children.")
        )
    if errors:
        raise Refused(*errors)
    assert name is not None
    assert number is not None
    return PolicyDraft(name, number, group, coverage_type, start_date)
