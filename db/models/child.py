"""Children; a child may be on several cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class Child(Base):
    __tablename__ = "children"
    __table_args__ = (
        CheckConstraint(
            "expected_emancipation_date > date_of_birth",
            name="emancipation_after_birth",
        ),
    )

    id: Mapped[BigId]
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    expected_emancipation_date: Mapped[date] = mapped_column(Date)
    address_line1: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(10))
