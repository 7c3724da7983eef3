"""The ledger simulation: one support order's money history, month by month.

Obligations accrue on their due dates; payments arrive as
:class:`demo.seed.paying.PaymentPlan` plans them; each posted payment is recorded
as a collection and applied with :func:`domain.allocation.allocate_collection`
(the order depends on the source: a tax refund offset pays arrears only, and is
only ever taken for arrears, up to what is past due) to what is outstanding at
that moment. Running totals per bucket keep it O(rows).

Outstanding amounts follow the calendar month: what accrued in the month of a
collection is current; anything accrued earlier and still unpaid is arrears
(owed to the family or, for TANF periods, to the state). A reversal re-raises
the same buckets within the same month; interest (6 %) accrues each January 1st
on the arrears of orders that carry it.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from db.enums import (
    Bucket,
    DisbursementStatus,
    LedgerEntryType,
    ObligationKind,
    OwedTo,
    PaymentSource,
    PaymentStatus,
)
from demo.seed.money import (
    CENT,
    KIND_BUCKET,
    ZERO,
    OrderBook,
    Payer,
    Term,
    due_dates,
    month_end,
    next_month,
    payment_reference,
)
from demo.seed.paying import PaymentPlan, Planned
from demo.seed.tables import Sink
from domain.allocation import PAST_DUE_ONLY, Slot, allocate_collection, past_due

INTEREST_RATE = Decimal("0.06")
# Support assigned to the state during TANF; spousal support never is.
ASSIGNABLE = (Bucket.CURRENT_SUPPORT, Bucket.MEDICAL_SUPPORT)

REVERSED_MEMO = "payment reversed"
JUDGMENT_MEMO = "arrears judgment at order establishment"
CORRECTION_MEMO = "court-ordered arrears correction"

_LEDGER = "ledger_entries"
_ACCRUAL = LedgerEntryType.ACCRUAL.value
_COLLECTION = LedgerEntryType.COLLECTION.value
_ALLOCATION = LedgerEntryType.ALLOCATION.value
_ADJUSTMENT = LedgerEntryType.ADJUSTMENT.value
_FAMILY = OwedTo.FAMILY.value
# Plain strings for rows: an enum's .value is a slow descriptor in a hot loop.
_TEXT: dict[StrEnum, str] = {
    member: member.value
    for kind in (Bucket, OwedTo, PaymentSource, PaymentStatus, DisbursementStatus)
    for member in kind
}
_ARREARS_FAMILY: Slot = (Bucket.ARREARS, OwedTo.FAMILY)
_ARREARS_STATE: Slot = (Bucket.ARREARS, OwedTo.STATE)
_INTEREST: Slot = (Bucket.INTEREST, OwedTo.FAMILY)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an order's history ended, for callers that build on it."""

    payments: int
    arrears: Decimal
    last_collected_on: date | None


class _Dues:
    """A term's due dates, taken a month at a time."""

    __slots__ = ("_dates", "_next", "term")

    def __init__(self, term: Term, stop: date) -> None:
        self.term = term
        self._dates = due_dates(term, stop)
        self._next = next(self._dates, None)

    def until(self, last: date) -> list[date]:
        taken: list[date] = []
        while self._next is not None and self._next <= last:
            taken.append(self._next)
            self._next = next(self._dates, None)
        return taken


class _Simulation:
    """Running totals of one order and the rows they produce."""

    def __init__(
        self, sink: Sink, rng: random.Random, book: OrderBook, payer: Payer, as_of: date
    ) -> None:
        self.sink = sink
        self.rng = rng
        self.book = book
        self.payer = payer
        self.as_of = as_of
        self.stop = as_of if book.end is None else min(as_of, book.end)
        self.due: dict[Slot, Decimal] = {}
        self.arrears = {OwedTo.FAMILY: ZERO, OwedTo.STATE: ZERO}
        self.interest = ZERO
        self.payments = 0
        self.last_collected_on: date | None = None
        self.seq = 0

    # -- balances ---------------------------------------------------------------

    def arrears_total(self) -> Decimal:
        return self.arrears[OwedTo.FAMILY] + self.arrears[OwedTo.STATE] + self.interest

    def rollover(self, first: date) -> None:
        """A new month: unpaid current amounts become arrears; Jan 1 adds interest."""
        for (_, owed_to), amount in self.due.items():
            self.arrears[owed_to] += amount
        self.due.clear()
        if first.month == 1 and self.book.interest:
            base = self.arrears[OwedTo.FAMILY] + self.arrears[OwedTo.STATE]
            charge = (base * INTEREST_RATE).quantize(CENT)
            if charge > 0:
                self.interest += charge
                self.ledger(_ACCRUAL, first, Bucket.INTEREST.value, _FAMILY, charge)

    def owed(self) -> dict[Slot, Decimal]:
        owed = {slot: amount for slot, amount in self.due.items() if amount > 0}
        owed[_ARREARS_FAMILY] = self.arrears[OwedTo.FAMILY]
        owed[_ARREARS_STATE] = self.arrears[OwedTo.STATE]
        owed[_INTEREST] = self.interest
        return owed

    def raise_debt(self, bucket: Bucket, owed_to: OwedTo, amount: Decimal) -> None:
        if bucket is Bucket.ARREARS:
            self.arrears[owed_to] += amount
        elif bucket is Bucket.INTEREST:
            self.interest += amount
        else:
            slot = (bucket, owed_to)
            self.due[slot] = self.due.get(slot, ZERO) + amount

    # -- rows -------------------------------------------------------------------

    def ledger(
        self,
        entry_type: str,
        day: date,
        bucket: str | None,
        owed_to: str,
        amount: Decimal,
        payment_id: int | None = None,
        obligation_id: int | None = None,
        memo: str | None = None,
    ) -> None:
        self.sink.add(
            _LEDGER, self.book.order_id, entry_type, day, bucket, owed_to, amount,
            payment_id, obligation_id, memo,
        )  # fmt: skip

    def accrue(self, day: date, term: Term) -> None:
        bucket = KIND_BUCKET[term.kind]
        tanf = self.book.tanf_until
        state = tanf is not None and day < tanf and bucket in ASSIGNABLE
        owed_to = OwedTo.STATE if state else OwedTo.FAMILY
        slot = (bucket, owed_to)
        self.due[slot] = self.due.get(slot, ZERO) + term.amount
        self.ledger(
            _ACCRUAL, day, _TEXT[bucket], _TEXT[owed_to], term.amount,
            obligation_id=term.obligation_id,
        )  # fmt: skip

    def adjust(
        self, day: date, bucket: Bucket, owed_to: OwedTo, amount: Decimal, memo: str,
        payment_id: int | None = None,
    ) -> None:  # fmt: skip
        self.raise_debt(bucket, owed_to, amount)
        self.ledger(
            _ADJUSTMENT, day, _TEXT[bucket], _TEXT[owed_to], amount, payment_id, None,
            memo,
        )  # fmt: skip

    def pay(
        self,
        day: date,
        amount: Decimal,
        source: PaymentSource,
        employer_id: int | None,
        events: list[tuple[Any, ...]],
    ) -> None:
        """Record a payment; apply it when it posted; schedule its reversal."""
        if source in PAST_DUE_ONLY:
            # an offset is certified for past-due support, up to what is owed
            amount = min(amount, past_due(self.owed()))
            if amount <= 0:
                return
        rng, as_of = self.rng, self.as_of
        posted_on = day + timedelta(days=rng.randint(1, 3))
        posted: date | None = posted_on
        reverse_on: date | None = None
        draw = rng.random()
        direct = source is PaymentSource.DIRECT_PAYMENT
        if posted_on > as_of:
            status, posted = PaymentStatus.PENDING, None
        elif direct and draw < 0.006:
            status, posted = PaymentStatus.FAILED, None
        elif (
            # reversed within the same month, so the re-raised debt stays current
            day.day <= 20
            and day + timedelta(days=10) <= self.stop
            and draw < (0.018 if direct else 0.0025)
        ):
            status = PaymentStatus.REVERSED
            reverse_on = posted_on + timedelta(days=rng.randint(1, 4))
        elif draw > 0.996:
            status = PaymentStatus.HELD
        elif posted_on > as_of - timedelta(days=10):
            status = PaymentStatus.POSTED
        else:
            status = PaymentStatus.DISBURSED
        reference = payment_reference(self.sink.peek_id("payments"))
        payment_id = self.sink.add(
            "payments", self.book.order_id, self.payer.party_id, amount, day, posted,
            _TEXT[source], _TEXT[status], reference, None, employer_id,
        )  # fmt: skip
        self.payments += 1
        self.last_collected_on = day
        if posted is None:
            return
        self.ledger(_COLLECTION, day, None, _FAMILY, amount, payment_id)
        allocations, _credit = allocate_collection(
            amount, self.owed(), source, assisted=self.book.tanf_until is not None
        )
        family = ZERO
        for part in allocations:
            self.raise_debt(part.bucket, part.owed_to, -part.amount)
            self.ledger(
                _ALLOCATION, day, _TEXT[part.bucket], _TEXT[part.owed_to], part.amount,
                payment_id,
            )  # fmt: skip
            if part.owed_to is OwedTo.FAMILY:
                family += part.amount
        if reverse_on is not None:
            for part in allocations:
                self.seq += 1
                heapq.heappush(
                    events, (reverse_on, 2, self.seq, "reverse", part, payment_id)
                )
        elif status is PaymentStatus.DISBURSED and family > 0:
            self.disburse(payment_id, posted_on, family)

    def disburse(self, payment_id: int, posted: date, amount: Decimal) -> None:
        on = posted + timedelta(days=self.rng.randint(1, 2))
        draw = self.rng.random()
        if draw < 0.004:
            status = DisbursementStatus.RETURNED
        elif draw < 0.007:
            status = DisbursementStatus.VOIDED
        elif self.book.payee_method == "check" and on > self.as_of - timedelta(days=12):
            status = DisbursementStatus.ISSUED
        else:
            status = DisbursementStatus.CLEARED
        self.sink.add(
            "disbursements", payment_id, self.book.payee_party_id, on, amount,
            self.book.payee_method, _TEXT[status],
        )  # fmt: skip


def simulate(
    sink: Sink, rng: random.Random, book: OrderBook, payer: Payer, as_of: date
) -> Outcome:
    """Write the order's payments, ledger entries and disbursements into ``sink``."""
    stop = as_of if book.end is None else min(as_of, book.end)
    sim = _Simulation(sink, rng, book, payer, as_of)
    if stop < book.effective:
        return Outcome(0, ZERO, None)
    if book.judgment > 0:
        tanf = book.tanf_until is not None and book.effective < book.tanf_until
        owed_to = OwedTo.STATE if tanf else OwedTo.FAMILY
        sim.adjust(
            book.effective, Bucket.ARREARS, owed_to, book.judgment, JUDGMENT_MEMO
        )
    plan = PaymentPlan(rng, book, payer)
    dues = [
        _Dues(term, stop)
        for term in book.terms
        if term.kind is not ObligationKind.ARREARS_REPAYMENT
    ]
    pay_dues = dues[0] if plan.per_pay_period else None
    months = (stop.year - book.effective.year) * 12 + stop.month - book.effective.month
    correction_month = rng.randint(6, months) if book.correction and months > 6 else -1
    first = book.effective.replace(day=1)
    for index in range(months + 1):
        if index:
            sim.rollover(first)
        last = min(month_end(first), stop)
        owed = sim.arrears_total()
        events: list[tuple[Any, ...]] = []
        planned: list[Planned] = []
        for schedule in dues:
            for day in schedule.until(last):
                sim.seq += 1
                events.append((day, 0, sim.seq, "accrue", schedule.term, None))
                if schedule is pay_dues:
                    planned += plan.for_due_date(day, last, owed)
        if pay_dues is None:
            planned += plan.for_month(first, last, owed)
        planned += plan.occasional(first, last, owed, sim.arrears[OwedTo.STATE])
        for payment in planned:
            sim.seq += 1
            events.append((payment.day, 1, sim.seq, "pay", payment, None))
        if index == correction_month and sim.arrears[OwedTo.FAMILY] > 200:
            sim.seq += 1
            events.append((first.replace(day=10), 1, sim.seq, "correct", None, None))
        heapq.heapify(events)
        while events:
            day, _, _, kind, what, extra = heapq.heappop(events)
            if day > last or day < book.effective:
                continue
            if kind == "accrue":
                sim.accrue(day, what)
            elif kind == "pay":
                sim.pay(day, what.amount, what.source, what.employer_id, events)
            elif kind == "reverse":
                sim.adjust(day, what.bucket, what.owed_to, what.amount,
                           REVERSED_MEMO, extra)  # fmt: skip
            else:
                pct = rng.randint(10, 30)
                cut = (sim.arrears[OwedTo.FAMILY] * pct / 100).quantize(CENT)
                if cut > 0:
                    sim.adjust(
                        day, Bucket.ARREARS, OwedTo.FAMILY, -cut, CORRECTION_MEMO
                    )
        first = next_month(first)
    return Outcome(sim.payments, sim.arrears_total(), sim.last_collected_on)
