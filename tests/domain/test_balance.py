"""Balance derivation and the next payment, as plain functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from db.enums import Frequency, OwedTo
from domain.balance import LedgerSums, derive_balance
from domain.schedule import NextPayment, Scheduled

AS_OF = date(2026, 11, 22)
SUPPORT = Scheduled(Decimal("400.00"), Frequency.MONTHLY, date(2024, 1, 1), None)
REPAY = Scheduled(
    Decimal("100.00"), Frequency.MONTHLY, date(2024, 1, 1), None, repays_arrears=True
)


def D(value: str) -> Decimal:
    return Decimal(value)


def test_current_and_arrears_by_owed_to() -> None:
    sums = [
        LedgerSums(
            OwedTo.FAMILY,
            D("400.00"),
            D("150.00"),
            D("1200.00"),
            D("900.00"),
            D("12.00"),
            D("2.00"),
        ),
        LedgerSums(OwedTo.STATE, past_charged=D("800.00"), past_paid=D("300.00")),
    ]
    balance = derive_balance(sums, AS_OF, [SUPPORT])
    assert balance.current_support_due == D("250.00")
    assert balance.arrears_owed_to_family == D("300.00")
    assert balance.arrears_owed_to_state == D("500.00")
    assert balance.arrears_principal == D("800.00")
    assert balance.interest == D("10.00")
    assert balance.total_owed == D("1060.00")
    assert balance.next_payment_due == NextPayment(date(2026, 12, 1), D("400.00"))


def test_overpaid_month_reduces_arrears_instead_of_going_negative() -> None:
    sums = [LedgerSums(OwedTo.FAMILY, D("400.00"), D("450.00"), D("200.00"))]
    balance = derive_balance(sums, AS_OF, [])
    assert balance.current_support_due == D("0.00")
    assert balance.arrears_principal == D("150.00")
    assert balance.next_payment_due is None


def test_arrears_repayment_is_capped_by_what_is_owed() -> None:
    # given 30.00 of arrears left and a 100.00 repayment line
    owing = [LedgerSums(OwedTo.FAMILY, past_charged=D("30.00"))]
    assert derive_balance(owing, AS_OF, [SUPPORT, REPAY]).next_payment_due == (
        NextPayment(date(2026, 12, 1), D("430.00"))
    )
    # and once arrears are paid the line asks for nothing
    paid_up = [LedgerSums(OwedTo.FAMILY, past_charged=D("30.00"), past_paid=D("30.00"))]
    assert derive_balance(paid_up, AS_OF, [SUPPORT, REPAY]).next_payment_due == (
        NextPayment(date(2026, 12, 1), D("400.00"))
    )
