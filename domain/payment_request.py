"""What a payment request must be before anything is done with it.

- No raw card number anywhere in it (PCI DSS SAQ A: card details go to the
  processor's hosted fields, the gateway only ever sees a token): checked
  first, and the refusal never repeats the value.
- An amount that is positive, in whole cents and no more than the maximum.
- An idempotency key of 1 to 255 printable characters; a token likewise.
- The digest of the normalized request, which the idempotency key is bound to
  (Stripe's model: the same key with other input is refused).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from domain.allocation import CENT
from domain.card_numbers import card_number_field
from domain.field_errors import INVALID, REQUIRED, FieldError, Refused

# codes of this mutation besides the common ones (domain.field_errors)
AMOUNT_TOO_LARGE = "amount_too_large"
CARD_NUMBER_NOT_ALLOWED = "card_number_not_allowed"
PAYMENT_DECLINED = "payment_declined"
PROCESSOR_UNAVAILABLE = "processor_unavailable"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
PAYMENT_PENDING = "payment_pending"

MAX_KEY_LENGTH = 255
MAX_TOKEN_LENGTH = 255
_PRINTABLE = re.compile(r"[\x20-\x7e]+")


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """A checked request: the order and party are primary keys (decoded from
    their global IDs), the amount is exact to the cent."""

    order_id: int
    amount: Decimal
    token: str
    idempotency_key: str
    party_id: int | None = None

    def digest(self) -> bytes:
        """SHA-256 of the normalized input (the key itself excluded): equal
        for requests that mean the same payment, whatever their spelling."""
        normalized = {
            "orderId": self.order_id,
            "amount": str(self.amount.quantize(CENT)),
            "paymentMethodToken": self.token,
            "partyId": self.party_id,
        }
        text = json.dumps(normalized, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).digest()


def refuse_card_numbers(fields: Mapping[str, object]) -> None:
    """Refuse input with something shaped like a card number in any field
    (amounts included, as digits). The message never quotes the value."""
    field = card_number_field(
        {
            name: format(value, "f") if isinstance(value, Decimal) else value
            for name, value in fields.items()
        }
    )
    if field is not None:
        raise Refused(
            FieldError(
                CARD_NUMBER_NOT_ALLOWED,
                field,
                "This looks like a card number. Card details are never sent "
                "here: enter them in the secure payment form, which gives a "
                "payment method token.",
            )
        )


def amount_errors(amount: Decimal, maximum: Decimal) -> list[FieldError]:
    """Positive, at most ``maximum``, whole cents."""
    if not amount.is_finite() or amount <= 0:
        return [FieldError(INVALID, "amount", "Enter an amount above zero.")]
    if amount > maximum:
        return [
            FieldError(
                AMOUNT_TOO_LARGE,
                "amount",
                f"A payment may be at most ${maximum:,.2f}.",
            )
        ]
    if amount != amount.quantize(CENT):
        return [FieldError(INVALID, "amount", "Enter the amount in dollars and cents.")]
    return []


def text_errors(value: str, field: str, maximum: int, what: str) -> list[FieldError]:
    """Required, at most ``maximum`` printable ASCII characters, not blank."""
    if value == "" or value.isspace():
        return [FieldError(REQUIRED, field, f"Give {what}.")]
    if len(value) > maximum or not _PRINTABLE.fullmatch(value):
        return [
            FieldError(
                INVALID,
                field,
                f"{what[0].upper()}{what[1:]} must be 1 to {maximum} printable "
                "characters.",
            )
        ]
    return []


def request_errors(
    amount: Decimal, token: str, idempotency_key: str, *, maximum: Decimal
) -> list[FieldError]:
    """Every field error of a request at once (none: it may go ahead)."""
    return [
        *amount_errors(amount, maximum),
        *text_errors(token, "paymentMethodToken", MAX_TOKEN_LENGTH, "a payment token"),
        *text_errors(
            idempotency_key, "idempotencyKey", MAX_KEY_LENGTH, "an idempotency key"
        ),
    ]
