"""The sandbox payment processor's own books (``payments.sandbox``).

A real processor keeps its charges on its side; the sandbox keeps them here so
that every gateway process (and the reconciliation command) sees the same
charges, exactly as they would all talk to one processor.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, Money


class SandboxCharge(Base):
    """One charge, unique by the merchant's reference (the processor's
    idempotency key): a second charge with the same reference is the first."""

    __tablename__ = "sandbox_charges"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "status IN ('captured', 'declined', 'refunded')", name="status_known"
        ),
        CheckConstraint(
            "(status = 'declined') = (decline_reason IS NOT NULL)",
            name="declined_has_reason",
        ),
        CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount",
            name="refund_within_amount",
        ),
    )

    id: Mapped[BigId]
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    charge_id: Mapped[str] = mapped_column(String(40), unique=True)
    amount: Mapped[Money]
    payment_method: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    refunded_amount: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=Decimal("0.00")
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
