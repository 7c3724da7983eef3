"""Attempts to link a login to a party (account linking), kept for lock-outs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class AccountLinkAttempt(Base):
    """One verification attempt: who tried (issuer, subject), on which case
    number (as typed, at most 32 characters), and whether it matched."""

    __tablename__ = "account_link_attempts"
    __table_args__ = (
        Index(
            "ix_account_link_attempts_subject_attempted_at",
            "issuer",
            "subject",
            "attempted_at",
        ),
        Index(
            "ix_account_link_attempts_case_number_attempted_at",
            "case_number",
            "attempted_at",
        ),
    )

    id: Mapped[BigId]
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    case_number: Mapped[str] = mapped_column(String(32))
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
