"""Texts the sandbox SMS adapter "sent": demo and tests read them here."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt


class SandboxSms(Base):
    """One text, once per dedupe key (a retried send records nothing new)."""

    __tablename__ = "sandbox_sms"

    id: Mapped[BigId]
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    destination: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
