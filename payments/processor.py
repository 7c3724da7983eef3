"""The payment processor interface, and the processors by name.

A processor charges a payment method token (from its hosted fields or SDK:
card details never reach the gateway) and is idempotent by *our* payment
reference: charging the same reference twice returns the first charge and
never charges again, so a retry after a timeout is always safe. ``status``
answers what became of a reference (None: the processor never got it).

``settings.payment_processor`` names the processor; ``PROCESSORS`` maps names
to factories taking the settings and the gateway's engine. A real processor is
a class implementing ``PaymentProcessor`` (its HTTP client, credentials from
its own settings), added with ``register("name", factory)`` or one line in
``PROCESSORS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from settings import Settings


class ChargeStatus(StrEnum):
    """Where a charge stands at the processor."""

    CAPTURED = "captured"
    DECLINED = "declined"
    REFUNDED = "refunded"
    #: Accepted, outcome not known yet (some processors answer this way).
    PROCESSING = "processing"


class DeclineReason(StrEnum):
    """Why a processor declined; safe to show to the payer."""

    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED_CARD = "expired_card"
    CARD_DECLINED = "card_declined"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"


@dataclass(frozen=True, slots=True)
class Charge:
    """A charge as the processor reports it."""

    reference: str
    charge_id: str
    amount: Decimal
    status: ChargeStatus
    decline_reason: DeclineReason | None = None
    refunded_amount: Decimal = Decimal("0.00")


class ProcessorError(Exception):
    """No definite answer from the processor."""


class ProcessorTimeout(ProcessorError):
    """No answer in time: the charge may or may not have been made."""


class ProcessorUnavailable(ProcessorError):
    """The processor could not take the request (down, overloaded)."""


class PaymentProcessor(Protocol):
    """What the gateway needs of a payment processor."""

    #: Stored with each payment (``payments.processor``).
    name: str

    async def authorize_and_capture(
        self, reference: str, amount: Decimal, payment_method_token: str
    ) -> Charge:
        """Charge ``amount`` to the token, with ``reference`` as the
        processor's idempotency key. A decline is a ``Charge`` with status
        ``DECLINED``; no answer raises a ``ProcessorError``."""
        ...

    async def refund(self, reference: str, amount: Decimal | None = None) -> Charge:
        """Refund the charge made under ``reference`` (all of it by default)."""
        ...

    async def status(self, reference: str) -> Charge | None:
        """The charge made under ``reference``, or None if there is none."""
        ...


ProcessorFactory = Callable[["Settings", "AsyncEngine"], PaymentProcessor]


def _sandbox(settings: Settings, engine: AsyncEngine) -> PaymentProcessor:
    from payments.sandbox import SandboxProcessor

    return SandboxProcessor(
        engine, delay_seconds=settings.sandbox_processor_delay_seconds
    )


#: Every processor the gateway can use, by ``settings.payment_processor``.
PROCESSORS: dict[str, ProcessorFactory] = {"sandbox": _sandbox}


def register(name: str, factory: ProcessorFactory) -> None:
    """Make a processor available under ``name``."""
    PROCESSORS[name] = factory


def processor_for(settings: Settings, engine: AsyncEngine) -> PaymentProcessor:
    """The configured processor; an unknown name is a configuration error."""
    try:
        factory = PROCESSORS[settings.payment_processor]
    except KeyError:
        raise LookupError(
            f"no payment processor named {settings.payment_processor!r} "
            f"(known: {', '.join(sorted(PROCESSORS))})"
        ) from None
    return factory(settings, engine)
