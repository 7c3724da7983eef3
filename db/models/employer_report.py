"""A parent's report of a new employer, pending until a caseworker acts on it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import ActorKind, EmployerReportStatus, Frequency


class EmployerReport(Base):
    __tablename__ = "employer_reports"
    __table_args__ = (
        CheckConstraint("income IS NULL OR income > 0", name="income_positive"),
        CheckConstraint(
            "(income IS NULL) = (income_frequency IS NULL)",
            name="income_with_frequency",
        ),
        CheckConstraint("state ~ '^[A-Z]{2}$'", name="state_code"),
        CheckConstraint("postal_code ~ '^[0-9]{5}(-[0-9]{4})?$'", name="postal_code"),
    )

    id: Mapped[BigId]
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    reported_by_kind: Mapped[ActorKind] = mapped_column(
        enum_column(ActorKind, "actor_kind")
    )
    reported_by_id: Mapped[int] = mapped_column(BigInteger)
    employer_name: Mapped[str] = mapped_column(String(200))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(32))
    start_date: Mapped[date] = mapped_column(Date)
    income: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    income_frequency: Mapped[Frequency | None] = mapped_column(
        enum_column(Frequency, "frequency")
    )
    status: Mapped[EmployerReportStatus] = mapped_column(
        enum_column(EmployerReportStatus, "employer_report_status")
    )
    created_at: Mapped[CreatedAt]
