"""How a collection is applied to what is owed: the one configurable rule.

The order depends on where the money came from, as federal distribution rules
require (42 U.S.C. 657, 45 CFR 302.51):

- a voluntary or withheld payment (and any source but a tax offset) goes to
  current support due for the period, then current medical support, then
  spousal support, then arrears owed to the family before arrears assigned to
  the state, then interest, then fees (``DEFAULT_ORDER``);
- a tax refund offset pays past-due support only, never current support:
  arrears, assigned (state) arrears first for a family that received public
  assistance, the family's first otherwise (``PAST_DUE_ORDERS``).

What an order leaves unpaid is a credit for the caller to hold. States differ in
the details, so every order is data here, in one place (``ORDERS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from db.enums import Bucket, OwedTo, PaymentSource

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

#: Past-due support only: assigned arrears first (former public assistance),
#: or the family's first.
STATE_FIRST: tuple[Slot, ...] = (
    (Bucket.ARREARS, OwedTo.STATE),
    (Bucket.ARREARS, OwedTo.FAMILY),
)
FAMILY_FIRST: tuple[Slot, ...] = (
    (Bucket.ARREARS, OwedTo.FAMILY),
    (Bucket.ARREARS, OwedTo.STATE),
)

#: Sources that may pay past-due support only.
PAST_DUE_ONLY = frozenset(
    {PaymentSource.FEDERAL_TAX_OFFSET, PaymentSource.STATE_TAX_OFFSET}
)

#: Every allocation order, by (paid past-due only, family was assisted).
ORDERS: Mapping[tuple[bool, bool], tuple[Slot, ...]] = {
    (False, False): DEFAULT_ORDER,
    (False, True): DEFAULT_ORDER,
    (True, False): FAMILY_FIRST,
    (True, True): STATE_FIRST,
}

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


def order_for(source: PaymentSource, *, assisted: bool) -> tuple[Slot, ...]:
    """The allocation order for a collection from ``source`` on an order whose
    family received public assistance (``assisted``) or not."""
    return ORDERS[(source in PAST_DUE_ONLY, assisted)]


def allocate_collection(
    amount: Decimal,
    owed: Mapping[Slot, Decimal],
    source: PaymentSource,
    *,
    assisted: bool,
) -> tuple[list[Allocation], Decimal]:
    """Apply a collection from ``source``: the allocations, and the credit
    left when what this source may pay is paid."""
    return allocate(amount, owed, order_for(source, assisted=assisted))


def past_due(owed: Mapping[Slot, Decimal]) -> Decimal:
    """What a tax refund offset may pay: the arrears (family and state)."""
    return sum(
        (max(owed.get(slot, Decimal(0)), Decimal(0)) for slot in FAMILY_FIRST),
        Decimal("0.00"),
    )
