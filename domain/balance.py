"""Balances, derived from the ledger and nothing else.

Periods are calendar months. What accrued in the month of the as-of date and is
not yet paid is *current support due*; whatever accrued before it and is still
unpaid is *arrears*, split by whom it is owed to (the family, or the state for
periods of public assistance). Interest and fees are kept apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from db.enums import Bucket, OwedTo
from domain.schedule import NextPayment, Scheduled, next_payment

ZERO = Decimal("0.00")

#: Buckets that accrue each period and turn into arrears when the period ends.
CURRENT_BUCKETS = (
    Bucket.CURRENT_SUPPORT,
    Bucket.MEDICAL_SUPPORT,
    Bucket.SPOUSAL_SUPPORT,
)


@dataclass(frozen=True, slots=True)
class LedgerSums:
    """Ledger totals of one order for one owed-to party, up to the as-of date.

    *charged* counts accruals and adjustments (which may be negative), *paid*
    counts allocations; *current* is the as-of month, *past* is before it plus
    anything booked straight to the arrears bucket.
    """

    owed_to: OwedTo
    current_charged: Decimal = ZERO
    current_paid: Decimal = ZERO
    past_charged: Decimal = ZERO
    past_paid: Decimal = ZERO
    interest_charged: Decimal = ZERO
    interest_paid: Decimal = ZERO
    fees_charged: Decimal = ZERO
    fees_paid: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Balance:
    """What is owed on an order as of a date."""

    as_of: date
    current_support_due: Decimal
    arrears_principal: Decimal
    arrears_owed_to_family: Decimal
    arrears_owed_to_state: Decimal
    interest: Decimal
    fees: Decimal
    total_owed: Decimal
    next_payment_due: NextPayment | None


def derive_balance(
    sums: Iterable[LedgerSums], as_of: date, lines: Iterable[Scheduled]
) -> Balance:
    """Combine per-owed-to ledger totals into the order's balance, and the
    obligation lines into the next payment due.

    An overpaid current month (never expected, but adjustments can cause it)
    does not show as a negative due: the surplus reduces arrears instead. An
    arrears repayment line asks for no more than the arrears and interest
    still owed, and for nothing once they are paid.
    """
    current = ZERO
    arrears = {OwedTo.FAMILY: ZERO, OwedTo.STATE: ZERO}
    interest = ZERO
    fees = ZERO
    for s in sums:
        due_now = s.current_charged - s.current_paid
        past = s.past_charged - s.past_paid
        if due_now < 0:
            past += due_now
            due_now = ZERO
        current += due_now
        arrears[s.owed_to] += past
        interest += s.interest_charged - s.interest_paid
        fees += s.fees_charged - s.fees_paid
    principal = arrears[OwedTo.FAMILY] + arrears[OwedTo.STATE]
    repayable = max(principal + interest, ZERO)
    due_lines = [
        replace(line, amount=min(line.amount, repayable))
        if line.repays_arrears
        else line
        for line in lines
        if not line.repays_arrears or repayable > 0
    ]
    return Balance(
        as_of=as_of,
        current_support_due=current,
        arrears_principal=principal,
        arrears_owed_to_family=arrears[OwedTo.FAMILY],
        arrears_owed_to_state=arrears[OwedTo.STATE],
        interest=interest,
        fees=fees,
        total_owed=current + principal + interest + fees,
        next_payment_due=next_payment(due_lines, as_of),
    )
