"""Documents and correspondence on a case (notices, letters, orders)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import DocumentKind


class CaseDocument(Base):
    __tablename__ = "case_documents"
    __table_args__ = (Index("ix_case_documents_case_id_sent_on", "case_id", "sent_on"),)

    id: Mapped[BigId]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[DocumentKind] = mapped_column(
        enum_column(DocumentKind, "document_kind")
    )
    title: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date)
    #: Reveals where a participant lives or that it changed (address change,
    #: locate results): withheld from others when that person is protected.
    discloses_location: Mapped[bool] = mapped_column(server_default=false())
