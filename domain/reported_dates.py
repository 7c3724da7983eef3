"""Dates a parent reports (a job or a policy that started): plausible ones only."""

from __future__ import annotations

from datetime import date, timedelta

from domain.field_errors import INVALID, FieldError

EARLIEST = date(1900, 1, 1)
#: How far ahead a start may be reported (a job accepted, not begun yet).
AHEAD = timedelta(days=366)


def check_start_date(
    value: date, today: date, field: str, errors: list[FieldError]
) -> None:
    """A start date between 1900 and a year from ``today``."""
    if value < EARLIEST:
        errors.append(FieldError(INVALID, field, "This date is too far in the past."))
    elif value > today + AHEAD:
        errors.append(
            FieldError(INVALID, field, "This date is more than a year from today.")
        )
