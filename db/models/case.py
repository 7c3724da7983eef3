"""Child-support cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import AssistanceStatus, CaseStatus, CaseType


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("case_number ~ '^[0-9]{10}$'", name="case_number_digits"),
        CheckConstraint(
            "closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"
        ),
    )

    id: Mapped[BigId]
    case_number: Mapped[str] = mapped_column(String(10), unique=True)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, "case_status"))
    case_type: Mapped[CaseType] = mapped_column(enum_column(CaseType, "case_type"))
    assistance_status: Mapped[AssistanceStatus] = mapped_column(
        enum_column(AssistanceStatus, "assistance_status")
    )
    office_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id"), index=True
    )
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[CreatedAt]
    #: When the case record last changed (the ``updatedSince`` filter).
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
