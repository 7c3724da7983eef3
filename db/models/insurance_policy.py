"""Health-insurance policies a party holds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import CoverageType


class InsurancePolicy(Base):
    __tablename__ = "insurance_policies"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="end_after_start"
        ),
    )

    id: Mapped[BigId]
    holder_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(200))
    policy_number: Mapped[str] = mapped_column(String(40))
    group_number: Mapped[str | None] = mapped_column(String(40))
    coverage_type: Mapped[CoverageType] = mapped_column(
        enum_column(CoverageType, "coverage_type")
    )
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    #: Set when the holder reported the policy themselves (pending until the
    #: agency verifies it); null for policies from the agency's records.
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
