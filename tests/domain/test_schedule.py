"""Due dates of each frequency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import islice

from db.enums import Frequency
from domain.schedule import NextPayment, Scheduled, due_dates, next_payment


def _first(frequency: Frequency, start: date, after: date, n: int = 3) -> list[date]:
    return list(islice(due_dates(frequency, start, None, after), n))


def test_monthly_and_semimonthly_fall_on_fixed_days() -> None:
    assert _first(Frequency.MONTHLY, date(2021, 1, 1), date(2026, 11, 22)) == [
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
    # across the year end, and starting mid-month
    assert _first(Frequency.SEMIMONTHLY, date(2026, 12, 10), date(2026, 12, 1)) == [
        date(2026, 12, 16),
        date(2027, 1, 1),
        date(2027, 1, 16),
    ]


def test_weekly_and_biweekly_count_from_the_start() -> None:
    assert _first(Frequency.BIWEEKLY, date(2021, 1, 10), date(2021, 1, 24)) == [
        date(2021, 2, 7),
        date(2021, 2, 21),
        date(2021, 3, 7),
    ]
    # before the start, the start itself is the first due date
    assert _first(Frequency.WEEKLY, date(2021, 1, 10), date(2020, 6, 1)) == [
        date(2021, 1, 10),
        date(2021, 1, 17),
        date(2021, 1, 24),
    ]


def test_end_date_stops_the_schedule() -> None:
    days = list(
        due_dates(
            Frequency.MONTHLY, date(2021, 1, 1), date(2021, 3, 1), date(2020, 1, 1)
        )
    )
    assert days == [date(2021, 1, 1), date(2021, 2, 1), date(2021, 3, 1)]
    assert (
        list(
            due_dates(
                Frequency.WEEKLY, date(2021, 1, 1), date(2021, 1, 5), date(2021, 1, 1)
            )
        )
        == []
    )


def test_next_payment_sums_what_falls_due_first() -> None:
    lines = [
        Scheduled(Decimal("400.00"), Frequency.MONTHLY, date(2021, 1, 1), None),
        Scheduled(Decimal("50.00"), Frequency.MONTHLY, date(2021, 1, 1), None),
        Scheduled(Decimal("30.00"), Frequency.WEEKLY, date(2026, 11, 20), None),
    ]
    assert next_payment(lines, date(2026, 11, 22)) == NextPayment(
        date(2026, 11, 27), Decimal("30.00")
    )
    assert next_payment(lines[:2], date(2026, 11, 22)) == NextPayment(
        date(2026, 12, 1), Decimal("450.00")
    )
    assert next_payment([], date(2026, 11, 22)) is None
