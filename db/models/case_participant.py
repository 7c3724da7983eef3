"""Who is on a case, and in which role."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import ParticipantRole


class CaseParticipant(Base):
    __tablename__ = "case_participants"
    __table_args__ = (UniqueConstraint("case_id", "party_id", "role"),)

    id: Mapped[BigId]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        enum_column(ParticipantRole, "participant_role")
    )
