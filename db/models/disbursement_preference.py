"""How an obligee receives payments: direct deposit or a prepaid card."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import DisbursementMethod


class DisbursementPreference(Base):
    __tablename__ = "disbursement_preferences"
    __table_args__ = (
        CheckConstraint("account_last4 ~ '^[0-9]{4}$'", name="account_last4_digits"),
        CheckConstraint("method <> 'check'", name="electronic_method"),
    )

    id: Mapped[BigId]
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), unique=True)
    method: Mapped[DisbursementMethod] = mapped_column(
        enum_column(DisbursementMethod, "disbursement_method")
    )
    account_last4: Mapped[str | None] = mapped_column(String(4))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
