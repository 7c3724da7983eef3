"""The append-only money ledger; every balance is derived from it.

Accruals and adjustments raise what is owed in a bucket, allocations lower it,
collections record money received (the payment it came from). Rows are never
updated or deleted: a trigger in the migrations refuses it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, CreatedAt, Money, enum_column
from db.enums import Bucket, LedgerEntryType, OwedTo


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(
            "entry_type = 'adjustment' OR amount > 0", name="amount_positive"
        ),
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        CheckConstraint(
            "entry_type NOT IN ('collection', 'allocation') OR payment_id IS NOT NULL",
            name="payment_required",
        ),
        CheckConstraint(
            "entry_type = 'collection' OR bucket IS NOT NULL", name="bucket_required"
        ),
        Index("ix_ledger_entries_order_id_entry_date", "order_id", "entry_date"),
    )

    id: Mapped[BigId]
    order_id: Mapped[int] = mapped_column(ForeignKey("support_orders.id"))
    entry_type: Mapped[LedgerEntryType] = mapped_column(
        enum_column(LedgerEntryType, "ledger_entry_type")
    )
    entry_date: Mapped[date] = mapped_column(Date)
    bucket: Mapped[Bucket | None] = mapped_column(enum_column(Bucket, "bucket"))
    owed_to: Mapped[OwedTo] = mapped_column(enum_column(OwedTo, "owed_to"))
    amount: Mapped[Money]
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id"), index=True
    )
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id"))
    memo: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[CreatedAt]
