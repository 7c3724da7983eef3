"""How a collection is applied to what is owed: the one configurable rule.

A payment goes first to current support due for the period, then to current
medical support, then spousal support, then arrears owed to the family before
arrears assigned to the state, then interest, then fees. States differ in the
details, so the order is data (``DEFAULT_ORDER``), and callers may pass another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from db.enums import Bucket, OwedTo

Slot = tuple[Bucket, OwedTo]

DEFAULT_ORDER: tuple[Slot, ...] = (
    (Bucket.CURRENT_SUPPORT, OwedTo.FAMILY),
    (Bucket.CURRENT_SUPPORT, OwedTo.STATE),
    (Bucket.MEDICAL_SUPPORT, OwedTo.FAMILY),
    (Bucket.MEDICAL_SUPPORT, OwedTo.STATE),
    (Bucket.SPOUSAL_SUPPORT, OwedTo.FAMILY),
    (Bucket.SPOUSAL_SUPPORT, OwedTo.STATE),
    (Bucket.ARREARS, OwedTo.FAMILY),
    (Bucket.ARREARS, OwedTo.STATE),
    (Bucket.INTEREST, OwedTo.FAMILY),
    (Bucket.INTEREST, OwedTo.STATE),
    (Bucket.FEES, OwedTo.STATE),
)

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Allocation:
    """One slice of a payment applied to one bucket."""

    bucket: Bucket
    owed_to: OwedTo
    amount: Decimal


def allocate(
    amount: Decimal,
    owed: Mapping[Slot, Decimal],
    order: Sequence[Slot] = DEFAULT_ORDER,
) -> tuple[list[Allocation], Decimal]:
    """Apply ``amount`` to ``owed`` in ``order``.

    Returns the allocations (only non-zero ones, in order) and what is left
    over when everything owed is paid (held as a credit by the caller).
    """
    if amount <= 0:
        raise ValueError("a collection must be a positive amount")
    if amount != amount.quantize(CENT):
        raise ValueError("amounts are in whole cents")
    remaining = amount
    applied: list[Allocation] = []
    for slot in order:
        due = owed.get(slot, Decimal(0))
        if remaining <= 0:
            break
        if due <= 0:
            continue
        part = min(due, remaining)
        applied.append(Allocation(slot[0], slot[1], part))
        remaining -= part
    return applied, remaining
