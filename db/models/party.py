"""Parties: the parents and caretakers on cases, with their contact details."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, LargeBinary, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt


class Party(Base):
    """A person on a case. The SSN is never stored whole: a keyed digest for
    matching and the last four digits for the masked form are all there is."""

    __tablename__ = "parties"
    __table_args__ = (
        CheckConstraint("ssn_last4 ~ '^[0-9]{4}$'", name="ssn_last4_digits"),
        CheckConstraint("length(ssn_digest) = 32", name="ssn_digest_length"),
        CheckConstraint("state ~ '^[A-Z]{2}$'", name="state_code"),
        CheckConstraint("postal_code ~ '^[0-9]{5}(-[0-9]{4})?$'", name="postal_code"),
    )

    id: Mapped[BigId]
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    ssn_digest: Mapped[bytes | None] = mapped_column(LargeBinary, unique=True)
    ssn_last4: Mapped[str | None] = mapped_column(String(4))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: SMS notifications go only to a phone confirmed with a one-time code.
    phone_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Bumped on every change of contact details: a stale one is a conflict.
    version: Mapped[int] = mapped_column(server_default=text("1"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
