"""Obligation lines of a support order: what is owed, how much, how often."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, Money, enum_column
from db.enums import Frequency, ObligationKind


class Obligation(Base):
    __tablename__ = "obligations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="end_after_start"
        ),
    )

    id: Mapped[BigId]
    order_id: Mapped[int] = mapped_column(ForeignKey("support_orders.id"), index=True)
    kind: Mapped[ObligationKind] = mapped_column(
        enum_column(ObligationKind, "obligation_kind")
    )
    amount: Mapped[Money]
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "frequency"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
