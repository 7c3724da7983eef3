"""``makePayment``: pay toward an order through the payment processor.

Three steps, because a processor is never called inside a transaction:

1. one audited transaction (``run``): the input is checked (a card number
   first, before anything else), the caller acts for the order's obligor
   (``acting_on_order``), and the idempotency key is bound to a new pending
   payment, or answers with the payment it already names (``payments.intake``);
2. the processor is asked, outside any transaction, with a timeout
   (``payments.charging``);
3. one transaction records the answer (``payments.settlement``): posted and
   allocated, failed (declined), or still pending (no answer), with the audit
   record of the request.

The payload's payment and order are read after the change, with the request's
loaders told to forget what they held for them, so the balance is the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting, acting_on_order
from db.enums import AuditOutcome, PaymentStatus
from domain.allocation import CENT
from domain.field_errors import Refused
from domain.payment_request import (
    PAYMENT_PENDING,
    PROCESSOR_UNAVAILABLE,
    PaymentRequest,
    refuse_card_numbers,
    request_errors,
)
from payments import charging, intake
from payments.intake import Attempt, PaymentState, Start
from payments.processor import DeclineReason, processor_for
from payments.settlement import NOT_RECEIVED, settle
from payments.settlement import PROCESSOR_UNAVAILABLE as UNREACHABLE
from resolvers import order as orders
from resolvers import payment as payments
from resolvers.mutation import (
    as_errors,
    party_pk,
    pk_of,
    principal_of,
    record_success,
    run,
)
from schema.context import Info
from schema.make_payment import (
    MakePaymentInput,
    MakePaymentPayload,
    PaymentError,
    PaymentErrorCode,
)

ACTION = "make_payment"
MUTATION = "makePayment"
#: How long a request waits for another request's charge with the same key.
WAIT_MARGIN_SECONDS = 1.0


def checked(info: Info, data: MakePaymentInput) -> PaymentRequest:
    """The input as a checked request, or ``Refused``: a card number anywhere
    first (before anything else is looked at), then every field error."""
    refuse_card_numbers(
        {
            "orderId": data.order_id,
            "amount": data.amount,
            "paymentMethodToken": data.payment_method_token,
            "idempotencyKey": data.idempotency_key,
            "partyId": data.party_id,
        }
    )
    maximum = info.context.settings.payment_max_amount
    errors = request_errors(
        data.amount, data.payment_method_token, data.idempotency_key, maximum=maximum
    )
    if errors:
        raise Refused(*errors)
    order_id = pk_of(data.order_id, "Order", "orderId")
    return PaymentRequest(
        order_id,
        data.amount.quantize(CENT),
        data.payment_method_token,
        data.idempotency_key,
        party_pk(data.party_id),
    )


@dataclass(frozen=True, slots=True)
class Begun:
    """What the first step found: the request, who it is for, the attempt."""

    request: PaymentRequest
    acting: Acting
    attempt: Attempt


async def make_payment(info: Info, data: MakePaymentInput) -> MakePaymentPayload:
    """Pay, or say why not (see module)."""
    principal = principal_of(info)
    settings = info.context.settings
    engine = info.context.engine
    as_of = info.context.as_of
    processor = processor_for(settings, engine)
    timeout = settings.payment_processor_timeout_seconds

    async def begin(conn: AsyncConnection) -> Begun:
        request = checked(info, data)
        acting = await acting_on_order(
            conn, principal, MUTATION, request.order_id, request.party_id
        )
        attempt = await intake.start(
            conn,
            principal,
            acting,
            request,
            processor=processor.name,
            as_of=as_of,
            ttl_hours=settings.idempotency_key_ttl_hours,
            in_flight_for=intake.IN_FLIGHT_MARGIN + timedelta(seconds=timeout),
        )
        return Begun(request, acting, attempt)

    begun = await run(info, ACTION, begin, object_type="Payment")
    if isinstance(begun, list):
        return MakePaymentPayload(
            payment=None,
            order=None,
            errors=as_errors(begun, PaymentError, PaymentErrorCode),
        )
    attempt, state = begun.attempt, begun.attempt.payment
    if attempt.start in (Start.NEW, Start.RESUME):
        token = begun.request.token
        answer = await charging.ask(processor, attempt, token, timeout)
        async with engine.begin() as conn:
            state = (await settle(conn, state.id, answer, as_of)).payment
            _audit(info, begun.acting, state, attempt.start)
            await info.context.audit.write(conn)
    else:
        if attempt.start is Start.IN_FLIGHT:
            state = await charging.outcome_of(
                engine, state.id, timeout + WAIT_MARGIN_SECONDS
            )
        _audit(info, begun.acting, state, attempt.start)
    return await _payload(info, state)


def _audit(info: Info, acting: Acting, state: PaymentState, start: Start) -> None:
    """The request's record: the payment it made or answered with."""
    detail: dict[str, Any] = {
        "reference": state.reference,
        "amount": str(state.amount),
        "status": state.status.value,
    }
    if state.failure_code is not None:
        detail["failure"] = state.failure_code
    if start in (Start.REPLAY, Start.IN_FLIGHT):
        detail["replayed"] = True
    if start is Start.RESUME:
        detail["resumed"] = True
    failed = state.status is PaymentStatus.FAILED
    record_success(
        info,
        ACTION,
        acting,
        case_id=state.case_id,
        object_type="Payment",
        object_id=state.id,
        outcome=AuditOutcome.FAILED if failed else AuditOutcome.SUCCEEDED,
        detail=detail,
    )


def errors_for(state: PaymentState) -> list[PaymentError]:
    """What the payer is told about a payment that is not (yet) posted."""
    code = state.failure_code
    if state.status is PaymentStatus.FAILED:
        if code == NOT_RECEIVED:
            return [_error(PROCESSOR_UNAVAILABLE, _NOT_RECEIVED)]
        known = {reason.value: reason for reason in DeclineReason}
        reason = known.get(code or "", DeclineReason.CARD_DECLINED)
        return [
            PaymentError(
                code=PaymentErrorCode.PAYMENT_DECLINED,
                field="paymentMethodToken",
                message=_DECLINED[reason],
                decline_reason=reason,
            )
        ]
    if state.status is PaymentStatus.PENDING:
        if code == UNREACHABLE:
            return [_error(PROCESSOR_UNAVAILABLE, _UNAVAILABLE)]
        return [_error(PAYMENT_PENDING, _PENDING)]
    return []


def _error(code: str, message: str) -> PaymentError:
    return PaymentError(
        code=PaymentErrorCode[code.upper()], field=None, message=message
    )


_PENDING = (
    "Your payment is not confirmed yet. Do not pay again: it will show in your "
    "payment history once confirmed, or send the same request again (same "
    "idempotency key) to check."
)
_UNAVAILABLE = (
    "The card processor could not be reached. Try again shortly with the same "
    "idempotency key; you will not be charged twice."
)
_NOT_RECEIVED = (
    "This payment never reached the card processor and you were not charged. "
    "Make the payment again with a new idempotency key."
)
_DECLINED = {
    DeclineReason.INSUFFICIENT_FUNDS: "The payment was declined: insufficient funds.",
    DeclineReason.EXPIRED_CARD: "The payment was declined: the card has expired.",
    DeclineReason.CARD_DECLINED: "The payment was declined by the card issuer.",
    DeclineReason.INVALID_PAYMENT_METHOD: (
        "The payment method was not accepted: enter your card details again."
    ),
}


def forget(info: Info, order_id: int, payment_id: int) -> None:
    """Drop what the request's loaders hold about the order and the payment:
    an earlier field of this request may have read them before the change."""
    loaders = info.context.loaders
    loaders.order_by_id.clear(order_id)
    loaders.ledger_sums_by_order_id.clear(order_id)
    loaders.balance_by_order_id.clear(order_id)
    loaders.payments_by_order_id.clear_all()
    loaders.payment_by_id.clear(payment_id)
    loaders.allocations_by_payment_id.clear(payment_id)


async def _payload(info: Info, state: PaymentState) -> MakePaymentPayload:
    forget(info, state.order_id, state.id)
    payment = await payments.by_id(info, state.id)
    order = await orders.by_id(info, state.order_id)
    return MakePaymentPayload(payment=payment, order=order, errors=errors_for(state))
