"""Idempotency keys: one per (caller, operation, key), Stripe's model."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, enum_column
from db.enums import ActorKind


class IdempotencyKey(Base):
    """A key a caller sent with a request, the digest of that request's input
    and what it produced. The same key with the same input answers with the
    first result; with other input it is refused. Expired keys may be reused."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("actor_kind", "actor_id", "operation", "key"),
        CheckConstraint("length(request_digest) = 32", name="request_digest_length"),
    )

    id: Mapped[BigId]
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, "actor_kind"))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    operation: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(255))
    request_digest: Mapped[bytes] = mapped_column(LargeBinary)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
