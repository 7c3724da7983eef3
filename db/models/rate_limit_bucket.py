"""Token buckets of the request rate limits, shared by every gateway process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Double, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class RateLimitBucket(Base):
    """One bucket per limited key (a principal or a client address, with its
    limit's name): ``tokens`` left at ``updated_at``; refilled on each take.
    The table is UNLOGGED: buckets are cheap to lose in a crash (they refill)
    and are written on every request."""

    __tablename__ = "rate_limit_buckets"
    __table_args__ = (
        CheckConstraint("tokens >= 0", name="tokens_not_negative"),
        {"prefixes": ["UNLOGGED"]},
    )

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Double)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
