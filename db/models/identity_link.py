"""OIDC identities (issuer + subject) linked to a party, staff member or agency."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt


class IdentityLink(Base):
    __tablename__ = "identity_links"
    __table_args__ = (
        UniqueConstraint("issuer", "subject"),
        CheckConstraint(
            "num_nonnulls(party_id, staff_id, agency_id) = 1", name="one_principal"
        ),
    )

    id: Mapped[BigId]
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_at: Mapped[CreatedAt]
