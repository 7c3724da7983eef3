"""Automatic persisted queries: documents registered by their SHA-256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, LargeBinary, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class PersistedDocument(Base):
    """A GraphQL document a client registered under its SHA-256 (Apollo's
    automatic persisted queries). Shared by every gateway process; bounded by
    ``GATEWAY_PERSISTED_QUERIES_MAX_DOCUMENTS`` (the least recently used go)."""

    __tablename__ = "persisted_documents"
    __table_args__ = (CheckConstraint("length(sha256) = 32", name="sha256_length"),)

    sha256: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    used_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
