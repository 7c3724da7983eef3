"""Reconciliation (``./run reconcile-payments``): settle what was left pending.

A payment stays pending when its charge got no answer (a timeout, the
processor down) or its request died mid-way. For each such payment whose last
attempt is over, the processor is asked for the charge under the payment's
reference, and the answer is settled exactly as a request would settle it
(``payments.settlement``: posted and allocated, or failed). Nothing is ever
charged here: a payment the processor never received is failed once it is
older than ``abandon_after`` (its payer was not charged and may pay again),
and left for a later run before that. Expired idempotency keys are deleted.
Each payment handled is audited as a ``system`` action.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Interval, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.audit import AuditLog
from db.engine import create_engine
from db.enums import AuditOutcome, PaymentStatus
from db.models import Payment
from payments import idempotency
from payments.charging import ask_status
from payments.intake import IN_FLIGHT_MARGIN, claim, payment_state
from payments.processor import PaymentProcessor, processor_for
from payments.settlement import Settlement, Unanswered, abandon, settle
from settings import Settings

ACTION = "reconcile_payment"
#: A pending payment the processor does not know is failed after this long.
ABANDON_AFTER = timedelta(hours=1)
#: ``failure_code`` while the processor does not know the charge (yet).
NOT_AT_PROCESSOR = "not_at_processor"


@dataclass
class Report:
    """What one run did."""

    posted: int = 0
    failed: int = 0
    pending: int = 0
    expired_keys: int = 0

    def format(self) -> str:
        return (
            f"payments posted: {self.posted}, failed: {self.failed}, still "
            f"pending: {self.pending}; expired idempotency keys deleted: "
            f"{self.expired_keys}"
        )


async def reconcile(
    engine: AsyncEngine,
    settings: Settings,
    *,
    as_of: date,
    abandon_after: timedelta = ABANDON_AFTER,
    processor: PaymentProcessor | None = None,
) -> Report:
    """Settle every pending payment whose last attempt is over (see module)."""
    processor = processor or processor_for(settings, engine)
    within = settings.payment_processor_timeout_seconds
    in_flight_for = IN_FLIGHT_MARGIN + timedelta(seconds=within)
    stale = func.now() - literal(in_flight_for, Interval)
    async with engine.connect() as conn:
        candidates = (
            await conn.execute(
                select(Payment.id)
                .where(
                    Payment.status == PaymentStatus.PENDING,
                    Payment.processor == processor.name,
                    or_(Payment.failure_code.is_not(None), Payment.updated_at < stale),
                )
                .order_by(Payment.id)
            )
        ).scalars()
        payment_ids = list(candidates)
    report = Report()
    audit = AuditLog(None, f"reconcile-{uuid.uuid4().hex}")
    for payment_id in payment_ids:
        async with engine.begin() as conn:
            if not await claim(conn, payment_id, in_flight_for):
                continue  # settled or taken meanwhile
            state = await payment_state(conn, payment_id)
        answer = await ask_status(processor, state.reference, within)
        async with engine.begin() as conn:
            settled: Settlement
            if answer is None:
                age = datetime.now(UTC) - state.created_at
                if age >= abandon_after:
                    settled = await abandon(conn, payment_id)
                else:
                    unknown = Unanswered(NOT_AT_PROCESSOR)
                    settled = await settle(conn, payment_id, unknown, as_of)
            else:
                settled = await settle(conn, payment_id, answer, as_of)
            after = settled.payment
            if settled.changed:
                _count(report, after.status)
                audit.record(
                    ACTION,
                    case_id=after.case_id,
                    object_type="Payment",
                    object_id=after.id,
                    outcome=AuditOutcome.FAILED
                    if after.status is PaymentStatus.FAILED
                    else AuditOutcome.SUCCEEDED,
                    detail=_detail(after.reference, after.status, after.failure_code),
                )
                await audit.write(conn)
    async with engine.begin() as conn:
        report.expired_keys = await idempotency.forget_expired(conn)
    return report


def _count(report: Report, status: PaymentStatus) -> None:
    if status is PaymentStatus.POSTED:
        report.posted += 1
    elif status is PaymentStatus.FAILED:
        report.failed += 1
    else:
        report.pending += 1


def _detail(reference: str, status: PaymentStatus, failure: str | None) -> Any:
    detail = {"reference": reference, "status": status.value}
    if failure is not None:
        detail["failure"] = failure
    return detail


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on ``DATABASE_URL``, or in demo mode without one on the
    embedded cluster ``./run serve`` uses (migrated as serve does; several
    processes may use it at once, and the last to leave stops it)."""
    server = None
    url: Any = settings.database_url
    if url is None:
        from db import migrate
        from demo import embedded

        server, url = await asyncio.to_thread(embedded.start, settings.data_dir / "pg")
    engine = create_engine(url, pool_size=2, max_overflow=0)
    try:
        if server is not None:
            await migrate.upgrade(engine)
        yield engine
    finally:
        await engine.dispose()
        if server is not None:
            await asyncio.to_thread(server.cleanup)


async def command(settings: Settings, *, abandon_after_minutes: int) -> Report:
    """``./run reconcile-payments``."""
    async with database(settings) as engine:
        return await reconcile(
            engine,
            settings,
            as_of=date.today(),
            abandon_after=timedelta(minutes=abandon_after_minutes),
        )
