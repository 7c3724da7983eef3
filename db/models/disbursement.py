"""Money sent on to the obligee from a payment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, Money, enum_column
from db.enums import DisbursementMethod, DisbursementStatus


class Disbursement(Base):
    __tablename__ = "disbursements"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[BigId]
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    payee_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    disbursed_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Money]
    method: Mapped[DisbursementMethod] = mapped_column(
        enum_column(DisbursementMethod, "disbursement_method")
    )
    status: Mapped[DisbursementStatus] = mapped_column(
        enum_column(DisbursementStatus, "disbursement_status")
    )
