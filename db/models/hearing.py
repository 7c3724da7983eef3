"""Court hearings and agency appointments on a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import HearingKind, HearingStatus


class Hearing(Base):
    __tablename__ = "hearings"
    __table_args__ = (
        Index("ix_hearings_case_id_scheduled_at", "case_id", "scheduled_at"),
    )

    id: Mapped[BigId]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[HearingKind] = mapped_column(enum_column(HearingKind, "hearing_kind"))
    status: Mapped[HearingStatus] = mapped_column(
        enum_column(HearingStatus, "hearing_status")
    )
    scheduled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500))
