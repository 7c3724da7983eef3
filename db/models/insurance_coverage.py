"""Which children a health-insurance policy covers."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class InsuranceCoverage(Base):
    __tablename__ = "insurance_coverages"
    __table_args__ = (UniqueConstraint("policy_id", "child_id"),)

    id: Mapped[BigId]
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policies.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
