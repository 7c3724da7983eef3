"""Which children a case is for."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class CaseChild(Base):
    __tablename__ = "case_children"
    __table_args__ = (UniqueConstraint("case_id", "child_id"),)

    id: Mapped[BigId]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
