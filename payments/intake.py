"""The first step of a payment: bind the idempotency key, record the intent.

In one short transaction (under the key's advisory lock): an unused key gets a
new ``pending`` payment, with our reference for the processor, and the key is
bound to it; the transaction commits *before* the processor is called, so a
charge always has a payment that reconciliation can find. A key already in
force answers with its payment: settled (replay), being charged right now by
another request (in flight), or left pending by an attempt that ended without
an answer (timed out, processor down, process gone), which this request then
claims to resolve.

A pending payment's attempt is *in flight* while ``failure_code`` is null and
``updated_at`` is recent (the processor timeout plus a margin); an attempt
that ends without an answer records why in ``failure_code`` (the payment stays
pending), and a claim clears it and restarts the clock, with a compare-and-set
so only one request or reconciliation run resolves a payment at a time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Interval, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting
from auth.principal import Principal
from db.changes import touch_case
from db.enums import PaymentSource, PaymentStatus
from db.models import Payment, SupportOrder
from domain.field_errors import FieldError, Refused
from domain.payment_request import IDEMPOTENCY_KEY_REUSED, PaymentRequest
from payments import idempotency

#: How long after a processor call could have ended a silent attempt is
#: considered gone (its request died) rather than still in flight.
IN_FLIGHT_MARGIN = timedelta(seconds=30)


class Start(StrEnum):
    """How a request relates to the payment its key names."""

    #: A new payment: charge it.
    NEW = "new"
    #: A pending payment whose last attempt ended without an answer: resolve
    #: it by reference (never charging twice).
    RESUME = "resume"
    #: Being charged by another request with the same key.
    IN_FLIGHT = "in_flight"
    #: Settled already: answer with it.
    REPLAY = "replay"


@dataclass(frozen=True, slots=True)
class PaymentState:
    """What the payment flow needs of a payment row."""

    id: int
    order_id: int
    case_id: int
    payer_party_id: int
    reference: str
    amount: Decimal
    collected_on: date
    status: PaymentStatus
    failure_code: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    start: Start
    payment: PaymentState


def new_reference() -> str:
    """Our reference for a gateway payment: shown to the payer, and the
    processor's idempotency key for the charge."""
    return f"WP{secrets.token_hex(8).upper()}"


async def payment_state(
    conn: AsyncConnection, payment_id: int, *, for_update: bool = False
) -> PaymentState:
    """The payment as the flow sees it (optionally locking its row)."""
    statement = (
        select(
            Payment.id,
            Payment.order_id,
            SupportOrder.case_id,
            Payment.payer_party_id,
            Payment.reference,
            Payment.amount,
            Payment.collected_on,
            Payment.status,
            Payment.failure_code,
            Payment.created_at,
        )
        .join(SupportOrder, SupportOrder.id == Payment.order_id)
        .where(Payment.id == payment_id)
    )
    if for_update:
        statement = statement.with_for_update(of=Payment)
    row = (await conn.execute(statement)).one()
    return PaymentState(**row._asdict())


async def claim(
    conn: AsyncConnection, payment_id: int, in_flight_for: timedelta
) -> bool:
    """Take over a pending payment whose last attempt is over (or gone)."""
    stale = func.now() - literal(in_flight_for, Interval)
    claimed = await conn.execute(
        update(Payment)
        .where(
            Payment.id == payment_id,
            Payment.status == PaymentStatus.PENDING,
            or_(Payment.failure_code.is_not(None), Payment.updated_at < stale),
        )
        .values(failure_code=None, updated_at=func.now())
        .returning(Payment.id)
    )
    return claimed.one_or_none() is not None


async def start(
    conn: AsyncConnection,
    principal: Principal,
    acting: Acting,
    request: PaymentRequest,
    *,
    processor: str,
    as_of: date,
    ttl_hours: int,
    in_flight_for: timedelta,
) -> Attempt:
    """Bind the request's idempotency key and say what to do (see module)."""
    assert acting.case_id is not None
    owner = idempotency.owner_of(principal)
    operation = idempotency.OPERATION
    key = request.idempotency_key
    # the party the payment is for as resolved, not as typed: naming oneself
    # (or the only obligor) on a retry is the same request
    digest = replace(request, party_id=acting.party_id).digest()
    await idempotency.lock(conn, owner, operation, key)
    known: Any = await idempotency.find(conn, owner, operation, key)
    if known is not None:
        if known.request_digest != digest or known.payment_id is None:
            raise Refused(
                FieldError(
                    IDEMPOTENCY_KEY_REUSED,
                    "idempotencyKey",
                    "This idempotency key was used for a different payment. "
                    "Use a new key for a new payment.",
                ),
                case_id=acting.case_id,
            )
        state = await payment_state(conn, known.payment_id)
        if state.status is not PaymentStatus.PENDING:
            return Attempt(Start.REPLAY, state)
        if await claim(conn, state.id, in_flight_for):
            return Attempt(Start.RESUME, state)
        return Attempt(Start.IN_FLIGHT, state)
    payment_id = (
        await conn.execute(
            insert(Payment)
            .values(
                order_id=request.order_id,
                payer_party_id=acting.party_id,
                amount=request.amount,
                collected_on=as_of,
                source=PaymentSource.DIRECT_PAYMENT,
                status=PaymentStatus.PENDING,
                reference=new_reference(),
                processor=processor,
                entered_by_staff_id=acting.staff_id,
            )
            .returning(Payment.id)
        )
    ).scalar_one()
    await idempotency.remember(
        conn, owner, operation, key, digest, payment_id, ttl_hours
    )
    await touch_case(conn, acting.case_id)
    return Attempt(Start.NEW, await payment_state(conn, payment_id))
