"""Making a payment: the input, the payload and its errors."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from payments.processor import DeclineReason
from schema.order import Order
from schema.payment import Payment

strawberry.enum(
    DeclineReason,
    name="PaymentDeclineReason",
    description="Why the card processor declined a payment.",
)


@strawberry.enum(description="Why a payment was not made (or not yet).")
class PaymentErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "invalid",
        description=(
            "A value is malformed: an amount of zero or less or with fractions "
            "of a cent, a token or key that is not 1 to 255 printable characters."
        ),
    )
    REQUIRED = strawberry.enum_value(
        "required",
        description=(
            "A value is missing: the token, the idempotency key; staff: partyId "
            "when the order has more than one payer."
        ),
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found", description="No order you may pay has that ID."
    )
    FORBIDDEN = strawberry.enum_value(
        "forbidden", description="You may not make payments."
    )
    CONFLICT = strawberry.enum_value(
        "conflict", description="The order changed meanwhile: try again."
    )
    AMOUNT_TOO_LARGE = strawberry.enum_value(
        "amount_too_large",
        description="The amount is over the largest payment accepted here.",
    )
    CARD_NUMBER_NOT_ALLOWED = strawberry.enum_value(
        "card_number_not_allowed",
        description=(
            "A value looks like a card number. Card details go to the secure "
            "payment form only; send its paymentMethodToken."
        ),
    )
    PAYMENT_DECLINED = strawberry.enum_value(
        "payment_declined",
        description="The processor declined the charge (see `declineReason`).",
    )
    PROCESSOR_UNAVAILABLE = strawberry.enum_value(
        "processor_unavailable",
        description=(
            "The card processor could not be reached: try again shortly with "
            "the same idempotency key."
        ),
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "idempotency_key_reused",
        description="The key was used for a different payment: use a new key.",
    )
    PAYMENT_PENDING = strawberry.enum_value(
        "payment_pending",
        description=(
            "The charge is not confirmed yet: do not pay again. Retry with the "
            "same idempotency key, or check the payment history later."
        ),
    )


@strawberry.type(description="An expected reason a payment was not made (or not yet).")
class PaymentError:
    code: PaymentErrorCode
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), if one is."
    )
    message: str
    decline_reason: DeclineReason | None = strawberry.field(
        default=None, description="With PAYMENT_DECLINED: why."
    )


@strawberry.input(
    description=(
        "A payment toward an order, by card or bank account through the "
        "processor's secure form (card details never come here)."
    )
)
class MakePaymentInput:
    order_id: strawberry.ID = strawberry.field(description="The order to pay.")
    amount: Decimal = strawberry.field(
        description="In dollars, more than zero, whole cents."
    )
    payment_method_token: str = strawberry.field(
        description="The token the processor's secure form or SDK returned."
    )
    idempotency_key: str = strawberry.field(
        description=(
            "A key you make up per payment (a UUID): sending the same request "
            "again with it never pays twice, and answers with the first result."
        )
    )
    party_id: strawberry.ID | None = strawberry.field(
        default=None, description="Caseworkers: the payer you act for."
    )


@strawberry.type(
    description=(
        "The payment (POSTED, PENDING or FAILED) and the order with its new "
        "balance, or why not."
    )
)
class MakePaymentPayload:
    payment: Payment | None = strawberry.field(
        description="The payment, once one was recorded."
    )
    order: Order | None = strawberry.field(
        description="The order paid, its balance read after the payment."
    )
    errors: list[PaymentError]
