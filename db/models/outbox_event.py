"""The transactional outbox: notifications written with the change that
caused them, delivered later by the worker (``./run worker``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import NotificationChannel, NotificationTopic, OutboxStatus


class OutboxEvent(Base):
    """One message to one recipient on one channel. ``dedupe_key`` names the
    event and the recipient: the same event is never queued (nor sent) to the
    same recipient twice."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index(
            "ix_outbox_events_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[BigId]
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    topic: Mapped[NotificationTopic] = mapped_column(
        enum_column(NotificationTopic, "notification_topic")
    )
    channel: Mapped[NotificationChannel] = mapped_column(
        enum_column(NotificationChannel, "notification_channel")
    )
    destination: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"),
        server_default=OutboxStatus.PENDING.value,
    )
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
