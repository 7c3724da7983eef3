"""The last step of a payment: what the processor answered, on our books.

``settle`` runs in the caller's transaction. It locks the order's row first
(``SELECT ... FOR UPDATE`` on ``support_orders``: two payments on one order
never allocate the same debt twice), then the payment's, and acts only on a
payment still ``pending``, so a request and a reconciliation run that settle
the same payment at the same moment post it once. A captured charge is posted
and allocated (``domain.posting``), the case is touched and the payer and the
case's custodial parties are notified; a declined one fails; no definite
answer leaves the payment pending, with the reason in ``failure_code``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Numeric,
    and_,
    cast,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from db.changes import touch_case
from db.enums import (
    AssistanceStatus,
    LedgerEntryType,
    NotificationTopic,
    ParticipantRole,
    PaymentSource,
    PaymentStatus,
)
from db.models import Case, CaseParticipant, LedgerEntry, Payment, SupportOrder
from delivery.outbox import notify
from domain.posting import BucketTotals, Posting, post_collection
from domain.schedule import month_start
from payments.intake import PaymentState, payment_state
from payments.processor import Charge, ChargeStatus

#: ``failure_code`` of a pending payment whose last attempt got no answer.
PROCESSOR_TIMEOUT = "processor_timeout"
PROCESSOR_UNAVAILABLE = "processor_unavailable"
PROCESSOR_PROCESSING = "processor_processing"
#: The processor's charge does not match the payment: left for staff.
AMOUNT_MISMATCH = "amount_mismatch"
#: ``failure_code`` of a payment the processor never received (reconciliation).
NOT_RECEIVED = "not_received"
#: ``failure_code`` of a charge refunded at the processor before it posted.
REFUNDED = "refunded"

_ASSISTED = (AssistanceStatus.CURRENT_TANF, AssistanceStatus.FORMER_TANF)
#: Who hears that a payment came in on their case, besides the payer.
_RECEIVERS = (ParticipantRole.OBLIGEE, ParticipantRole.CARETAKER)


@dataclass(frozen=True, slots=True)
class Unanswered:
    """No definite answer from the processor; ``code`` says why."""

    code: str


Answer = Charge | Unanswered


@dataclass(frozen=True, slots=True)
class Settlement:
    """The payment after ``settle``; ``posting`` when this call posted it,
    ``changed`` False when it was settled already (by someone else)."""

    payment: PaymentState
    posting: Posting | None = None
    changed: bool = True


async def settle(
    conn: AsyncConnection, payment_id: int, answer: Answer, as_of: date
) -> Settlement:
    """Record the processor's ``answer`` for a payment (see module)."""
    order_id = (
        await conn.execute(select(Payment.order_id).where(Payment.id == payment_id))
    ).scalar_one()
    await conn.execute(
        select(SupportOrder.id).where(SupportOrder.id == order_id).with_for_update()
    )
    state = await payment_state(conn, payment_id, for_update=True)
    if state.status is not PaymentStatus.PENDING:
        return Settlement(state, changed=False)
    if isinstance(answer, Unanswered):
        return Settlement(await _leave_pending(conn, state, answer.code))
    if answer.amount != state.amount:
        return Settlement(await _leave_pending(conn, state, AMOUNT_MISMATCH))
    if answer.status is ChargeStatus.CAPTURED:
        return await _post(conn, state, answer, as_of)
    if answer.status is ChargeStatus.DECLINED:
        reason = answer.decline_reason
        code = "declined" if reason is None else reason.value
        return Settlement(await _fail(conn, state, code, answer.charge_id))
    if answer.status is ChargeStatus.REFUNDED:
        return Settlement(await _fail(conn, state, REFUNDED, answer.charge_id))
    return Settlement(await _leave_pending(conn, state, PROCESSOR_PROCESSING))


async def abandon(conn: AsyncConnection, payment_id: int) -> Settlement:
    """Fail a pending payment the processor never received (reconciliation,
    long after its last attempt): nobody was charged."""
    state = await payment_state(conn, payment_id, for_update=True)
    if state.status is not PaymentStatus.PENDING:
        return Settlement(state, changed=False)
    return Settlement(await _fail(conn, state, NOT_RECEIVED, None))


async def bucket_totals(
    conn: AsyncConnection, order_id: int, as_of: date
) -> list[BucketTotals]:
    """The order's ledger totals per bucket and owed-to, as of ``as_of``,
    split at its month (the balance loader's reading, per bucket)."""
    ledger = LedgerEntry
    period = month_start(as_of)
    charged = ledger.entry_type.in_(
        [LedgerEntryType.ACCRUAL, LedgerEntryType.ADJUSTMENT]
    )
    paid = ledger.entry_type == LedgerEntryType.ALLOCATION
    zero = cast(0, Numeric(12, 2))

    def total(*conditions: ColumnElement[bool]) -> ColumnElement[Decimal]:
        return func.coalesce(func.sum(ledger.amount).filter(and_(*conditions)), zero)

    rows = await conn.execute(
        select(
            ledger.bucket,
            ledger.owed_to,
            total(charged, ledger.entry_date >= period),
            total(paid, ledger.entry_date >= period),
            total(charged, ledger.entry_date < period),
            total(paid, ledger.entry_date < period),
        )
        .where(
            ledger.order_id == order_id,
            ledger.entry_date <= as_of,
            ledger.bucket.is_not(None),
        )
        .group_by(ledger.bucket, ledger.owed_to)
    )
    return [
        BucketTotals(bucket, owed_to, *sums)
        for bucket, owed_to, *sums in rows
        if bucket is not None
    ]


async def _post(
    conn: AsyncConnection, state: PaymentState, charge: Charge, as_of: date
) -> Settlement:
    posted_on = max(as_of, state.collected_on)
    facts = (
        await conn.execute(
            select(
                Case.id,
                Case.case_number,
                Case.assistance_status,
                SupportOrder.order_number,
            )
            .join(SupportOrder, SupportOrder.case_id == Case.id)
            .where(SupportOrder.id == state.order_id)
        )
    ).one()
    posting = post_collection(
        state.amount,
        await bucket_totals(conn, state.order_id, posted_on),
        PaymentSource.DIRECT_PAYMENT,
        assisted=facts.assistance_status in _ASSISTED,
    )
    await conn.execute(
        insert(LedgerEntry),
        [
            {
                "order_id": state.order_id,
                "entry_type": line.entry_type,
                "entry_date": posted_on,
                "bucket": line.bucket,
                "owed_to": line.owed_to,
                "amount": line.amount,
                "payment_id": state.id,
            }
            for line in posting.lines
        ],
    )
    await conn.execute(
        update(Payment)
        .where(Payment.id == state.id)
        .values(
            status=PaymentStatus.POSTED,
            posted_on=posted_on,
            processor_reference=charge.charge_id,
            failure_code=None,
            updated_at=func.now(),
        )
    )
    await touch_case(conn, facts.id)
    await _tell(conn, state, facts.case_number, facts.order_number, posted_on)
    posted = replace(state, status=PaymentStatus.POSTED, failure_code=None)
    return Settlement(posted, posting)


async def _fail(
    conn: AsyncConnection, state: PaymentState, code: str, charge_id: str | None
) -> PaymentState:
    await conn.execute(
        update(Payment)
        .where(Payment.id == state.id)
        .values(
            status=PaymentStatus.FAILED,
            failure_code=code,
            processor_reference=charge_id,
            updated_at=func.now(),
        )
    )
    await touch_case(conn, state.case_id)
    return replace(state, status=PaymentStatus.FAILED, failure_code=code)


async def _leave_pending(
    conn: AsyncConnection, state: PaymentState, code: str
) -> PaymentState:
    await conn.execute(
        update(Payment)
        .where(Payment.id == state.id)
        .values(failure_code=code, updated_at=func.now())
    )
    return replace(state, failure_code=code)


def money(amount: Decimal) -> str:
    """``$1,234.50``."""
    return f"${amount:,.2f}"


async def _tell(
    conn: AsyncConnection,
    state: PaymentState,
    case_number: str,
    order_number: str,
    posted_on: date,
) -> None:
    """The payer hears the details; the case's custodial parties only that a
    payment came in (never who paid, nor how)."""
    event = f"payment-received:{state.id}"
    await notify(
        conn,
        state.payer_party_id,
        NotificationTopic.PAYMENT_RECEIVED,
        event,
        "We received your payment",
        f"We received your payment of {money(state.amount)} on order "
        f"{order_number} on {posted_on:%B} {posted_on.day}, {posted_on.year}. "
        f"Reference: {state.reference}. Log in to see how it was applied.",
    )
    receivers = await conn.execute(
        select(CaseParticipant.party_id)
        .where(
            CaseParticipant.case_id == state.case_id,
            CaseParticipant.role.in_(_RECEIVERS),
            CaseParticipant.party_id != state.payer_party_id,
        )
        .distinct()
    )
    for party_id in receivers.scalars():
        await notify(
            conn,
            party_id,
            NotificationTopic.PAYMENT_RECEIVED,
            event,
            "A payment was received on your case",
            f"A payment was received on your case {case_number}. Log in to "
            "see your payment history.",
        )
