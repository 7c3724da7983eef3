"""Family-violence indicators: set on a person, they protect them on every case."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import FamilyViolenceCode


class FamilyViolenceIndicator(Base):
    __tablename__ = "family_violence_indicators"
    __table_args__ = (
        CheckConstraint(
            "cleared_on IS NULL OR cleared_on >= set_on", name="cleared_after_set"
        ),
        Index(
            "ix_family_violence_indicators_active_party_id",
            "party_id",
            postgresql_where=text("cleared_on IS NULL"),
        ),
    )

    id: Mapped[BigId]
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    code: Mapped[FamilyViolenceCode] = mapped_column(
        enum_column(FamilyViolenceCode, "family_violence_code")
    )
    set_on: Mapped[date] = mapped_column(Date)
    set_by_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    cleared_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[CreatedAt]
