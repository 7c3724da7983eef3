"""Employers, known from new-hire reports and parents' own reports."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class Employer(Base):
    __tablename__ = "employers"

    id: Mapped[BigId]
    name: Mapped[str] = mapped_column(String(200))
    fein: Mapped[str | None] = mapped_column(String(10), unique=True)
    address_line1: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(32))
