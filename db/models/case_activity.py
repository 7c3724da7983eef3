"""The case's activity history: what the agency did and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class CaseActivity(Base):
    __tablename__ = "case_activities"
    __table_args__ = (
        Index("ix_case_activities_case_id_occurred_at", "case_id", "occurred_at"),
    )

    id: Mapped[BigId]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(500))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    #: Reveals where a participant lives or that it changed (address change,
    #: locate results): withheld from others when that person is protected.
    discloses_location: Mapped[bool] = mapped_column(server_default=false())
