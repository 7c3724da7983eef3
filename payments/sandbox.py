"""A sandbox processor that behaves like a real one, deterministically by token.

- ``tok_sandbox_approve`` (and any other ``tok_sandbox_*`` not below): captured;
- ``tok_sandbox_insufficient_funds``, ``tok_sandbox_expired_card``,
  ``tok_sandbox_declined``: declined for that reason; a token that is not a
  sandbox token: declined as an invalid payment method;
- ``tok_sandbox_timeout``: captured, but the answer comes too late (the
  caller's timeout fires first), as when a network drops a response;
- ``tok_sandbox_unavailable``: the processor refuses the request (down).

Each answer comes after ``delay_seconds`` (a slow network). Charges live in the
``sandbox_charges`` table, unique by reference, so every process sees one
processor: charging a reference again returns the first charge, whatever the
token or amount, and never charges twice.
"""

from __future__ import annotations

import asyncio
import secrets
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import SandboxCharge
from payments.processor import (
    Charge,
    ChargeStatus,
    DeclineReason,
    ProcessorTimeout,
    ProcessorUnavailable,
)

PREFIX = "tok_sandbox_"
APPROVE = "tok_sandbox_approve"
TIMEOUT = "tok_sandbox_timeout"
UNAVAILABLE = "tok_sandbox_unavailable"
DECLINES: dict[str, DeclineReason] = {
    "tok_sandbox_insufficient_funds": DeclineReason.INSUFFICIENT_FUNDS,
    "tok_sandbox_expired_card": DeclineReason.EXPIRED_CARD,
    "tok_sandbox_declined": DeclineReason.CARD_DECLINED,
}

#: Charges being written when their caller stopped waiting: they finish (the
#: request reached the processor) and are referenced until they do.
_WRITING: set[asyncio.Task[Charge]] = set()


def outcome(token: str) -> tuple[ChargeStatus, DeclineReason | None]:
    """What the sandbox answers for ``token``."""
    if not token.startswith(PREFIX):
        return ChargeStatus.DECLINED, DeclineReason.INVALID_PAYMENT_METHOD
    reason = DECLINES.get(token)
    if reason is not None:
        return ChargeStatus.DECLINED, reason
    return ChargeStatus.CAPTURED, None


def _charge_of(row: Any) -> Charge:
    return Charge(
        reference=row.reference,
        charge_id=row.charge_id,
        amount=row.amount,
        status=ChargeStatus(row.status),
        decline_reason=None
        if row.decline_reason is None
        else DeclineReason(row.decline_reason),
        refunded_amount=row.refunded_amount,
    )


class SandboxProcessor:
    """``PaymentProcessor`` for demo mode and tests (``payment_processor =
    "sandbox"``)."""

    name = "sandbox"

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        delay_seconds: float = 0.0,
        late_seconds: float = 3600.0,
    ) -> None:
        self.engine = engine
        self.delay_seconds = delay_seconds
        #: How late a ``tok_sandbox_timeout`` answer comes.
        self.late_seconds = late_seconds

    async def authorize_and_capture(
        self, reference: str, amount: Decimal, payment_method_token: str
    ) -> Charge:
        await asyncio.sleep(self.delay_seconds)
        if payment_method_token == UNAVAILABLE:
            raise ProcessorUnavailable("the sandbox processor is unavailable")
        task = asyncio.ensure_future(
            self._record(reference, amount, payment_method_token)
        )
        _WRITING.add(task)
        task.add_done_callback(_WRITING.discard)
        charge = await asyncio.shield(task)
        if payment_method_token == TIMEOUT:
            await asyncio.sleep(self.late_seconds)
            raise ProcessorTimeout("the sandbox processor answered too late")
        return charge

    async def _record(self, reference: str, amount: Decimal, token: str) -> Charge:
        status, reason = outcome(token)
        async with self.engine.begin() as conn:
            inserted = (
                await conn.execute(
                    insert(SandboxCharge)
                    .values(
                        reference=reference,
                        charge_id=f"ch_sandbox_{secrets.token_hex(12)}",
                        amount=amount,
                        payment_method=token,
                        status=status.value,
                        decline_reason=None if reason is None else reason.value,
                        refunded_amount=Decimal("0.00"),
                    )
                    .on_conflict_do_nothing(index_elements=["reference"])
                    .returning(SandboxCharge.__table__)
                )
            ).one_or_none()
            if inserted is not None:
                return _charge_of(inserted)
            # charged before under this reference: the first charge stands
            first = (
                await conn.execute(
                    select(SandboxCharge.__table__).where(
                        SandboxCharge.reference == reference
                    )
                )
            ).one()
            return _charge_of(first)

    async def refund(self, reference: str, amount: Decimal | None = None) -> Charge:
        await asyncio.sleep(self.delay_seconds)
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    select(SandboxCharge.__table__)
                    .where(SandboxCharge.reference == reference)
                    .with_for_update()
                )
            ).one_or_none()
            if row is None or row.status != ChargeStatus.CAPTURED:
                raise ValueError("only a captured charge can be refunded")
            left = row.amount - row.refunded_amount
            amount = left if amount is None else amount
            if not Decimal(0) < amount <= left:
                raise ValueError("a refund is more than zero and at most what is left")
            refunded = row.refunded_amount + amount
            full = refunded == row.amount
            status = ChargeStatus.REFUNDED if full else ChargeStatus.CAPTURED
            changed = (
                await conn.execute(
                    update(SandboxCharge)
                    .where(SandboxCharge.id == row.id)
                    .values(
                        refunded_amount=refunded,
                        status=status.value,
                        updated_at=func.now(),
                    )
                    .returning(SandboxCharge.__table__)
                )
            ).one()
            return _charge_of(changed)

    async def status(self, reference: str) -> Charge | None:
        await asyncio.sleep(self.delay_seconds)
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(SandboxCharge.__table__).where(
                        SandboxCharge.reference == reference
                    )
                )
            ).one_or_none()
        return None if row is None else _charge_of(row)
