"""The allocation order: current support first, then arrears, family first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.enums import Bucket, OwedTo, PaymentSource
from domain.allocation import (
    CENT,
    DEFAULT_ORDER,
    PAST_DUE_ONLY,
    STATE_FIRST,
    Allocation,
    allocate,
    allocate_collection,
    order_for,
)

OWED = {
    (Bucket.ARREARS, OwedTo.STATE): Decimal("500.00"),
    (Bucket.INTEREST, OwedTo.FAMILY): Decimal("20.00"),
    (Bucket.ARREARS, OwedTo.FAMILY): Decimal("100.00"),
    (Bucket.MEDICAL_SUPPORT, OwedTo.FAMILY): Decimal("50.00"),
    (Bucket.CURRENT_SUPPORT, OwedTo.FAMILY): Decimal("400.00"),
}


def test_current_then_medical_then_family_arrears_then_state() -> None:
    applied, left = allocate(Decimal("600.00"), OWED)
    assert applied == [
        Allocation(Bucket.CURRENT_SUPPORT, OwedTo.FAMILY, Decimal("400.00")),
        Allocation(Bucket.MEDICAL_SUPPORT, OwedTo.FAMILY, Decimal("50.00")),
        Allocation(Bucket.ARREARS, OwedTo.FAMILY, Decimal("100.00")),
        Allocation(Bucket.ARREARS, OwedTo.STATE, Decimal("50.00")),
    ]
    assert left == Decimal("0.00")


def test_overpayment_is_left_over() -> None:
    applied, left = allocate(Decimal("1500.00"), OWED)
    assert sum(a.amount for a in applied) == Decimal("1070.00")
    assert applied[-1] == Allocation(Bucket.INTEREST, OwedTo.FAMILY, Decimal("20.00"))
    assert left == Decimal("430.00")


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "10.001"])
def test_refuses_non_positive_or_fractional_cent_amounts(amount: str) -> None:
    with pytest.raises(ValueError, match=r"positive|cents"):
        allocate(Decimal(amount), OWED)


# -- by source ----------------------------------------------------------------

TAX = PaymentSource.FEDERAL_TAX_OFFSET


def test_a_tax_offset_never_pays_current_support() -> None:
    applied, credit = allocate_collection(Decimal("700.00"), OWED, TAX, assisted=False)
    assert applied == [
        Allocation(Bucket.ARREARS, OwedTo.FAMILY, Decimal("100.00")),
        Allocation(Bucket.ARREARS, OwedTo.STATE, Decimal("500.00")),
    ]
    assert credit == Decimal("100.00")


def test_a_tax_offset_pays_assigned_arrears_first_after_public_assistance() -> None:
    applied, credit = allocate_collection(Decimal("550.00"), OWED, TAX, assisted=True)
    assert applied == [
        Allocation(Bucket.ARREARS, OwedTo.STATE, Decimal("500.00")),
        Allocation(Bucket.ARREARS, OwedTo.FAMILY, Decimal("50.00")),
    ]
    assert credit == Decimal("0.00")


def test_a_withheld_payment_follows_the_default_order_whatever_the_assistance() -> None:
    withheld = PaymentSource.INCOME_WITHHOLDING
    assert order_for(withheld, assisted=True) == DEFAULT_ORDER
    assert order_for(withheld, assisted=False) == DEFAULT_ORDER
    assert order_for(PaymentSource.STATE_TAX_OFFSET, assisted=False)[0] == (
        Bucket.ARREARS,
        OwedTo.FAMILY,
    )


# -- properties ----------------------------------------------------------------

ALL_SLOTS = sorted({*DEFAULT_ORDER, *STATE_FIRST}, key=str)
CURRENT = {Bucket.CURRENT_SUPPORT, Bucket.MEDICAL_SUPPORT, Bucket.SPOUSAL_SUPPORT}


def _money(max_cents: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=max_cents).map(
        lambda c: Decimal(c).scaleb(-2)
    )


owed_amounts = st.dictionaries(
    st.sampled_from(ALL_SLOTS), _money(500_000), max_size=len(ALL_SLOTS)
)
amounts = _money(1_000_000).filter(lambda a: a > 0)


@given(amount=amounts, owed=owed_amounts, source=st.sampled_from(PaymentSource),
       assisted=st.booleans())  # fmt: skip
def test_allocation_properties(
    amount: Decimal,
    owed: dict[tuple[Bucket, OwedTo], Decimal],
    source: PaymentSource,
    assisted: bool,
) -> None:
    applied, credit = allocate_collection(amount, owed, source, assisted=assisted)
    order = order_for(source, assisted=assisted)

    # allocations and credit add up to the amount, in whole cents
    assert sum((a.amount for a in applied), Decimal(0)) + credit == amount
    assert all(a.amount > 0 and a.amount == a.amount.quantize(CENT) for a in applied)
    assert credit >= 0
    # no bucket goes below zero: nothing pays more than was owed, once each
    slots = [(a.bucket, a.owed_to) for a in applied]
    assert len(slots) == len(set(slots))
    for part in applied:
        assert part.amount <= owed[(part.bucket, part.owed_to)]
    # the order holds: allocations follow the source's order, and a slot
    # gets money only once every earlier slot is paid in full
    assert slots == [slot for slot in order if slot in slots]
    paid = {(a.bucket, a.owed_to): a.amount for a in applied}
    for index, slot in enumerate(order):
        if slot in paid:
            for earlier in order[:index]:
                assert paid.get(earlier, Decimal(0)) == max(
                    owed.get(earlier, Decimal(0)), Decimal(0)
                )
    # a tax offset pays past-due support only
    if source in PAST_DUE_ONLY:
        assert not [a for a in applied if a.bucket in CURRENT]
        assert all(a.bucket is Bucket.ARREARS for a in applied)
    # an overpayment is kept as a credit: only when all it may pay is paid
    if credit > 0:
        for slot in order:
            assert paid.get(slot, Decimal(0)) == max(owed.get(slot, Decimal(0)), 0)
