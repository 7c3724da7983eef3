"""When obligations fall due: the payment schedule of each frequency.

Monthly obligations fall due on the 1st, semi-monthly on the 1st and the 16th,
weekly and bi-weekly every 7 or 14 days counted from the obligation's start.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from db.enums import Frequency

_EVERY_DAYS = {Frequency.WEEKLY: 7, Frequency.BIWEEKLY: 14}


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def due_dates(
    frequency: Frequency, start: date, end: date | None, after: date
) -> Iterator[date]:
    """Due dates strictly after ``after``, from ``start`` until ``end``."""
    if frequency in _EVERY_DAYS:
        step = _EVERY_DAYS[frequency]
        skipped = max(0, (after - start).days // step + 1) if after >= start else 0
        day = start + timedelta(days=skipped * step)
        while end is None or day <= end:
            yield day
            day += timedelta(days=step)
        return
    days = (1,) if frequency is Frequency.MONTHLY else (1, 16)
    month = date(max(after, start).year, max(after, start).month, 1)
    while True:
        for dom in days:
            day = month.replace(day=dom)
            if day <= after or day < start:
                continue
            if end is not None and day > end:
                return
            yield day
        month = _month_after(month)


def month_start(day: date) -> date:
    """The first day of the calendar month: balances count periods by month."""
    return day.replace(day=1)


@dataclass(frozen=True, slots=True)
class Scheduled:
    """One obligation line, as far as its schedule is concerned."""

    amount: Decimal
    frequency: Frequency
    start_date: date
    end_date: date | None
    #: An arrears repayment line: due only while arrears are owed.
    repays_arrears: bool = False


@dataclass(frozen=True, slots=True)
class NextPayment:
    due_on: date
    amount: Decimal


def next_payment(lines: Iterable[Scheduled], after: date) -> NextPayment | None:
    """The next date anything falls due after ``after`` and the sum due then."""
    firsts: list[tuple[date, Decimal]] = []
    for line in lines:
        day = next(
            due_dates(line.frequency, line.start_date, line.end_date, after), None
        )
        if day is not None:
            firsts.append((day, line.amount))
    if not firsts:
        return None
    soonest = min(day for day, _ in firsts)
    return NextPayment(soonest, sum((a for d, a in firsts if d == soonest), Decimal(0)))
