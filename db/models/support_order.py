"""Support orders issued by a court for a case."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import OrderStatus


class SupportOrder(Base):
    __tablename__ = "support_orders"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR end_date >= effective_date", name="end_after_start"
        ),
    )

    id: Mapped[BigId]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    order_number: Mapped[str] = mapped_column(String(20), unique=True)
    issuing_court: Mapped[str] = mapped_column(String(200))
    cause_number: Mapped[str] = mapped_column(String(40))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, "order_status")
    )
    effective_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[CreatedAt]
