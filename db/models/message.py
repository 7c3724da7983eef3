"""Messages in a thread, with the party's read state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import SenderKind


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(
            "(sender_kind = 'party') = (sender_staff_id IS NULL)", name="sender_matches"
        ),
        CheckConstraint("length(body) BETWEEN 1 AND 10000", name="body_length"),
        Index("ix_messages_thread_id_sent_at", "thread_id", "sent_at"),
        Index(
            "ix_messages_unread_thread_id",
            "thread_id",
            postgresql_where=text("read_at IS NULL AND sender_kind = 'staff'"),
        ),
        # a caseworker's messages of the last hour (the hourly limit)
        Index(
            "ix_messages_sender_staff_id_sent_at",
            "sender_staff_id",
            "sent_at",
            postgresql_where=text("sender_staff_id IS NOT NULL"),
        ),
    )

    id: Mapped[BigId]
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"))
    sender_kind: Mapped[SenderKind] = mapped_column(
        enum_column(SenderKind, "sender_kind")
    )
    sender_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
