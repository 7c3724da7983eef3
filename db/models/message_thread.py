"""Message threads between a party and the agency, about a case or order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import MessageTopic


class MessageThread(Base):
    __tablename__ = "message_threads"
    __table_args__ = (
        Index(
            "ix_message_threads_party_id_last_message_at", "party_id", "last_message_at"
        ),
    )

    id: Mapped[BigId]
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("support_orders.id"))
    topic: Mapped[MessageTopic] = mapped_column(
        enum_column(MessageTopic, "message_topic")
    )
    subject: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[CreatedAt]
    last_message_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
