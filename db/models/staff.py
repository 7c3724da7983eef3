"""Agency staff: caseworkers and their supervisors."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import StaffRole


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[BigId]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
