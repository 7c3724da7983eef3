"""Payments (collections) received toward a support order."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, Money, enum_column
from db.enums import PaymentSource, PaymentStatus


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "posted_on IS NULL OR posted_on >= collected_on",
            name="posted_after_collected",
        ),
        CheckConstraint(
            "status = 'pending' OR status = 'failed' OR posted_on IS NOT NULL",
            name="posted_has_date",
        ),
        Index("ix_payments_order_id_collected_on", "order_id", "collected_on"),
        Index(
            "ix_payments_payer_party_id_collected_on", "payer_party_id", "collected_on"
        ),
    )

    id: Mapped[BigId]
    order_id: Mapped[int] = mapped_column(ForeignKey("support_orders.id"))
    payer_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    amount: Mapped[Money]
    collected_on: Mapped[date] = mapped_column(Date)
    posted_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[PaymentSource] = mapped_column(
        enum_column(PaymentSource, "payment_source")
    )
    status: Mapped[PaymentStatus] = mapped_column(
        enum_column(PaymentStatus, "payment_status")
    )
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    #: Card and bank payments made through the gateway: the processor that
    #: charged, its reference for the charge, and why it failed, if it did.
    processor: Mapped[str | None] = mapped_column(String(40))
    processor_reference: Mapped[str | None] = mapped_column(String(100))
    failure_code: Mapped[str | None] = mapped_column(String(40))
    #: A caseworker who took the payment for the payer.
    entered_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
