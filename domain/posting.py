"""Posting a confirmed payment: what it pays, as ledger lines, in one function.

The ledger's totals for an order (per bucket and owed-to, split at the as-of
month exactly as ``domain.balance`` reads them) give what each slot owes; the
collection is then applied in its source's order (``domain.allocation``). The
result is one ``collection`` line for the whole amount and one ``allocation``
line per slot paid; whatever is left is a credit, kept on the ledger as the
collection minus its allocations (README, "Data model").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from db.enums import Bucket, LedgerEntryType, OwedTo, PaymentSource
from domain.allocation import Allocation, Slot, allocate_collection
from domain.balance import CURRENT_BUCKETS, ZERO


@dataclass(frozen=True, slots=True)
class BucketTotals:
    """Ledger totals of one order for one bucket and owed-to, up to the as-of
    date: *charged* counts accruals and adjustments, *paid* allocations;
    *current* is the as-of month, *past* before it."""

    bucket: Bucket
    owed_to: OwedTo
    current_charged: Decimal = ZERO
    current_paid: Decimal = ZERO
    past_charged: Decimal = ZERO
    past_paid: Decimal = ZERO

    @property
    def current(self) -> Decimal:
        return self.current_charged - self.current_paid

    @property
    def past(self) -> Decimal:
        return self.past_charged - self.past_paid


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One ledger row a posting writes (its date and payment are the caller's)."""

    entry_type: LedgerEntryType
    bucket: Bucket | None
    owed_to: OwedTo
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Posting:
    """A collection applied: its allocations in order, the credit left, and
    the ledger lines that record both."""

    amount: Decimal
    allocations: tuple[Allocation, ...]
    credit: Decimal
    lines: tuple[LedgerLine, ...]


def owed_by_slot(totals: Iterable[BucketTotals]) -> dict[Slot, Decimal]:
    """What each (bucket, owed-to) slot owes, as the balance derives it.

    Current buckets owe what accrued this month and is unpaid; everything
    unpaid from before (and whatever was booked to arrears) is arrears;
    interest and fees are owed whenever they were charged. Within one
    owed-to, an overpaid current bucket reduces the other current buckets
    (in allocation order) and, past them, the arrears, as
    ``domain.balance.derive_balance`` nets the current month: so the slots
    add up to the balance's figures.
    """
    current: dict[OwedTo, dict[Bucket, Decimal]] = {
        owed_to: dict.fromkeys(CURRENT_BUCKETS, ZERO) for owed_to in OwedTo
    }
    past = dict.fromkeys(OwedTo, ZERO)
    interest = dict.fromkeys(OwedTo, ZERO)
    fees = dict.fromkeys(OwedTo, ZERO)
    for t in totals:
        if t.bucket in CURRENT_BUCKETS:
            current[t.owed_to][t.bucket] += t.current
            past[t.owed_to] += t.past
        elif t.bucket is Bucket.ARREARS:
            past[t.owed_to] += t.current + t.past
        elif t.bucket is Bucket.INTEREST:
            interest[t.owed_to] += t.current + t.past
        else:
            fees[t.owed_to] += t.current + t.past
    owed: dict[Slot, Decimal] = {}
    for owed_to in OwedTo:
        dues = current[owed_to]
        surplus = -sum((due for due in dues.values() if due < 0), ZERO)
        for bucket in CURRENT_BUCKETS:
            due = max(dues[bucket], ZERO)
            taken = min(due, surplus)
            surplus -= taken
            owed[(bucket, owed_to)] = due - taken
        owed[(Bucket.ARREARS, owed_to)] = past[owed_to] - surplus
        owed[(Bucket.INTEREST, owed_to)] = interest[owed_to]
        owed[(Bucket.FEES, owed_to)] = fees[owed_to]
    return owed


def post_collection(
    amount: Decimal,
    totals: Iterable[BucketTotals],
    source: PaymentSource,
    *,
    assisted: bool,
) -> Posting:
    """Apply a collection of ``amount`` from ``source`` to an order whose
    ledger totals are ``totals`` (``assisted``: the family received public
    assistance). The one rule that turns a confirmed payment into ledger rows."""
    allocations, credit = allocate_collection(
        amount, owed_by_slot(totals), source, assisted=assisted
    )
    lines = [LedgerLine(LedgerEntryType.COLLECTION, None, OwedTo.FAMILY, amount)]
    lines += [
        LedgerLine(LedgerEntryType.ALLOCATION, a.bucket, a.owed_to, a.amount)
        for a in allocations
    ]
    return Posting(amount, tuple(allocations), credit, tuple(lines))
