"""Asking the processor, outside any database transaction.

A new payment is charged under its reference. A payment resumed after an
attempt that got no answer is first looked up by reference: if the processor
has the charge, that is the answer; if not, it is charged again under the same
reference, which the processor never charges twice. No answer within the
timeout is an answer too (``Unanswered``): the payment stays pending.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from db.enums import PaymentStatus
from payments.intake import Attempt, PaymentState, Start, payment_state
from payments.processor import (
    PaymentProcessor,
    ProcessorTimeout,
    ProcessorUnavailable,
)
from payments.settlement import (
    PROCESSOR_TIMEOUT,
    PROCESSOR_UNAVAILABLE,
    Answer,
    Unanswered,
)

#: How often a request waiting on another request's charge re-reads the
#: payment: at first, and at most (the wait grows in between).
FIRST_POLL_SECONDS = 0.05
LAST_POLL_SECONDS = 0.5

log = logging.getLogger("gateway.payments")


async def ask(
    processor: PaymentProcessor, attempt: Attempt, token: str, within: float
) -> Answer:
    """The processor's answer for the attempt's payment (see module)."""
    payment = attempt.payment
    try:
        async with asyncio.timeout(within):
            if attempt.start is Start.RESUME:
                known = await processor.status(payment.reference)
                if known is not None:
                    return known
            return await processor.authorize_and_capture(
                payment.reference, payment.amount, token
            )
    except (TimeoutError, ProcessorTimeout):
        log.warning("payment %s: no answer from the processor", payment.reference)
        return Unanswered(PROCESSOR_TIMEOUT)
    except ProcessorUnavailable:
        log.warning("payment %s: the processor is unavailable", payment.reference)
        return Unanswered(PROCESSOR_UNAVAILABLE)


async def ask_status(
    processor: PaymentProcessor, reference: str, within: float
) -> Answer | None:
    """What the processor has under ``reference`` (None: nothing)."""
    try:
        async with asyncio.timeout(within):
            return await processor.status(reference)
    except (TimeoutError, ProcessorTimeout):
        return Unanswered(PROCESSOR_TIMEOUT)
    except ProcessorUnavailable:
        return Unanswered(PROCESSOR_UNAVAILABLE)


async def outcome_of(
    engine: AsyncEngine, payment_id: int, within: float
) -> PaymentState:
    """Wait (holding no connection in between) for another request's attempt
    on the payment to end, for at most ``within`` seconds; the payment then."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    pause = FIRST_POLL_SECONDS
    while True:
        async with engine.connect() as conn:
            state = await payment_state(conn, payment_id)
        ended = state.status is not PaymentStatus.PENDING or state.failure_code
        left = deadline - loop.time()
        if ended or left <= 0:
            return state
        await asyncio.sleep(min(pause, left))
        pause = min(pause * 1.5, LAST_POLL_SECONDS)
