"""Cases shared with a partner agency, and what the partner may read of them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class PartnerCaseShare(Base):
    __tablename__ = "partner_case_shares"
    __table_args__ = (
        UniqueConstraint("agency_id", "case_id"),
        CheckConstraint(
            "scopes <@ ARRAY['case:read', 'pii:read', 'fti:read']::varchar[]",
            name="known_scopes",
        ),
        CheckConstraint(
            "revoked_on IS NULL OR revoked_on >= shared_on", name="revoked_after_shared"
        ),
    )

    id: Mapped[BigId]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    shared_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
