"""The allocation order: current support first, then arrears, family first."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.enums import Bucket, OwedTo
from domain.allocation import Allocation, allocate

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
