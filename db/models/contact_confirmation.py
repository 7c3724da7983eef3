"""One-time codes that confirm a new e-mail address or phone number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import NotificationChannel


class ContactConfirmation(Base):
    """A pending change of e-mail (or a phone to confirm): the new value, a
    keyed digest of the code sent to it (never the code), and its limits."""

    __tablename__ = "contact_confirmations"
    __table_args__ = (
        CheckConstraint("length(code_digest) = 32", name="code_digest_length"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[BigId]
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    channel: Mapped[NotificationChannel] = mapped_column(
        enum_column(NotificationChannel, "notification_channel")
    )
    value: Mapped[str] = mapped_column(String(254))
    code_digest: Mapped[bytes] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    consumed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
