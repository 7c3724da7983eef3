"""The portal's Help pages, served as data: glossary terms and FAQ entries."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class GlossaryTerm(Base):
    __tablename__ = "glossary_terms"

    id: Mapped[BigId]
    term: Mapped[str] = mapped_column(String(100), unique=True)
    definition: Mapped[str] = mapped_column(Text)


class FaqEntry(Base):
    __tablename__ = "faq_entries"

    id: Mapped[BigId]
    position: Mapped[int] = mapped_column(unique=True)
    category: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
