"""Family-violence indicators: set on a person, they protect them on every case."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import FamilyViolenceCode


class FamilyViolenceIndicator(Base):
    __tablename__ = "family_violence_indicators"
    __table_args__ = (
        CheckConstraint(
            "cleared_on IS NULL OR cleared_on >= set_on", name="cleared_after_set"
        ),
        CheckConstraint(
            "(disclosure_ordered_on IS NULL) = (disclosure_court IS NULL)",
            name="disclosure_court_and_date",
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
    #: A court ordered disclosure despite the indicator (both set, or neither).
    disclosure_ordered_on: Mapped[date | None] = mapped_column(Date)
    disclosure_court: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[CreatedAt]
