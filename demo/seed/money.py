"""The money vocabulary the demo ledger is simulated in: what an order owes,
how an obligor pays, and exact-cent helpers. The simulation itself is in
:mod:`demo.seed.ledger`, the payment habits in :mod:`demo.seed.paying`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from db.enums import Bucket, Frequency, ObligationKind

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

PER_YEAR = {
    Frequency.WEEKLY: 52,
    Frequency.BIWEEKLY: 26,
    Frequency.SEMIMONTHLY: 24,
    Frequency.MONTHLY: 12,
}
KIND_BUCKET = {
    ObligationKind.CURRENT_CHILD_SUPPORT: Bucket.CURRENT_SUPPORT,
    ObligationKind.MEDICAL_SUPPORT: Bucket.MEDICAL_SUPPORT,
    ObligationKind.SPOUSAL_SUPPORT: Bucket.SPOUSAL_SUPPORT,
}


class PayStyle(StrEnum):
    """How an obligor's money reaches the agency."""

    WITHHOLDING = "withholding"  # employer withholds each pay period; gaps between jobs
    DIRECT = "direct"  # pays the agency directly, irregularly
    DELINQUENT = "delinquent"  # rarely pays; tax offsets catch some
    OTHER_STATE = "other_state"  # another state collects and forwards


@dataclass(frozen=True, slots=True)
class Spell:
    """A job during which income was withheld."""

    employer_id: int
    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        """Whether the job was held on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Payer:
    """An obligor's paying habits, shared by all of their orders."""

    party_id: int
    style: PayStyle
    spells: tuple[Spell, ...] = ()
    payday: int = 15
    overpay: Decimal = ZERO
    miss_rate: float = 0.04
    partial_rate: float = 0.08


@dataclass(frozen=True, slots=True)
class Term:
    """One obligation line of an order, as the simulation needs it."""

    obligation_id: int
    kind: ObligationKind
    amount: Decimal
    frequency: Frequency
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class OrderBook:
    """What to simulate for one order."""

    order_id: int
    payee_party_id: int
    effective: date
    end: date | None
    terms: tuple[Term, ...]
    tanf_until: date | None = None  # accruals before this day are owed to the state
    interest: bool = False
    judgment: Decimal = ZERO  # arrears established with the order
    correction: bool = False  # one court-ordered reduction of arrears
    payee_method: str = "check"


def cents(value: int) -> Decimal:
    """An integer number of cents as an exact two-place Decimal."""
    return Decimal(value).scaleb(-2)


def payment_reference(payment_id: int) -> str:
    """A unique 'P' + 12 digits reference, scrambled so it looks issued."""
    return f"P{(payment_id * 982_451_653 + 104_729) % 10**12:012d}"


def per_period(amount: Decimal, source: Frequency, target: Frequency) -> Decimal:
    """An amount due per ``source`` period expressed per ``target`` period."""
    if source is target:
        return amount
    return (amount * PER_YEAR[source] / PER_YEAR[target]).quantize(CENT)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def due_dates(term: Term, stop: date) -> Iterator[date]:
    """Every due date of ``term`` up to ``stop`` (and its own end)."""
    last = stop if term.end is None else min(stop, term.end)
    start = term.start
    if term.frequency is Frequency.MONTHLY:
        day = start if start.day == 1 else next_month(start)
        while day <= last:
            yield day
            day = next_month(day)
    elif term.frequency is Frequency.SEMIMONTHLY:
        month = start.replace(day=1)
        while month <= last:
            for day in (month, month.replace(day=16)):
                if start <= day <= last:
                    yield day
            month = next_month(month)
    else:
        step = timedelta(days=7 if term.frequency is Frequency.WEEKLY else 14)
        day = start
        while day <= last:
            yield day
            day += step
