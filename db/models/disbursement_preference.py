"""How an obligee receives payments: direct deposit or a prepaid card."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, enum_column
from db.enums import BankAccountType, DisbursementMethod


class DisbursementPreference(Base):
    __tablename__ = "disbursement_preferences"
    __table_args__ = (
        CheckConstraint("account_last4 ~ '^[0-9]{4}$'", name="account_last4_digits"),
        CheckConstraint("method <> 'check'", name="electronic_method"),
        CheckConstraint("routing_number ~ '^[0-9]{9}$'", name="routing_number_digits"),
    )

    id: Mapped[BigId]
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), unique=True)
    method: Mapped[DisbursementMethod] = mapped_column(
        enum_column(DisbursementMethod, "disbursement_method")
    )
    account_last4: Mapped[str | None] = mapped_column(String(4))
    #: Direct deposit: the bank's ABA routing number, and the account number
    #: kept only as a keyed digest beside its last four digits.
    routing_number: Mapped[str | None] = mapped_column(String(9))
    account_digest: Mapped[bytes | None] = mapped_column(LargeBinary)
    account_type: Mapped[BankAccountType | None] = mapped_column(
        enum_column(BankAccountType, "bank_account_type")
    )
    version: Mapped[int] = mapped_column(server_default=text("1"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
