"""Payments (a page per order), how each was applied, and its disbursements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import any_, bindparam, select, tuple_
from sqlalchemy.sql import Executable

from auth.authorization.filters import case_visible
from auth.principal import Principal
from db.enums import LedgerEntryType
from db.models import Disbursement, LedgerEntry, Payment, SupportOrder
from loaders.base import ID_KEYS, ManyByKey, VisibleOneByKey
from loaders.ids import global_id
from loaders.paging import PagedLoader, Paging

PAYMENT_COLUMNS = (
    Payment.id.label("pk"),
    global_id("Payment", Payment.id).label("id"),
    Payment.order_id,
    Payment.amount,
    Payment.collected_on,
    Payment.posted_on,
    Payment.source,
    Payment.status,
    Payment.reference,
)


@dataclass(frozen=True, slots=True)
class PaymentPageArgs:
    """Newest first; ``after`` is the (collected_on, id) of the previous page's
    last payment; ``since``/``until`` bound the collection date, inclusive."""

    first: int
    after: tuple[date, int] | None = None
    since: date | None = None
    until: date | None = None


class PaymentByIdLoader(VisibleOneByKey[int]):
    """A payment on a case the principal may reach (else None)."""

    def build(self, principal: Principal) -> Executable:
        return (
            select(*PAYMENT_COLUMNS, SupportOrder.case_id)
            .join(SupportOrder, SupportOrder.id == Payment.order_id)
            .where(
                Payment.id == any_(ID_KEYS),
                case_visible(principal, SupportOrder.case_id),
            )
        )


_AFTER = (
    bindparam("after_on", type_=Payment.collected_on.type),
    bindparam("after_id", type_=Payment.id.type),
)
_SINCE = bindparam("since", type_=Payment.collected_on.type)
_UNTIL = bindparam("until", type_=Payment.collected_on.type)


class PaymentsByOrderIdLoader(PagedLoader[PaymentPageArgs]):
    def shape(self, args: PaymentPageArgs) -> tuple[bool, bool, bool]:
        return (args.after is not None, args.since is not None, args.until is not None)

    def values(self, args: PaymentPageArgs) -> dict[str, Any]:
        found: dict[str, Any] = {"since": args.since, "until": args.until}
        if args.after is not None:
            found |= {"after_on": args.after[0], "after_id": args.after[1]}
        return found

    def paging(self, args: PaymentPageArgs) -> Paging:
        inner = select(*PAYMENT_COLUMNS, SupportOrder.case_id).join(
            SupportOrder, SupportOrder.id == Payment.order_id
        )
        if args.after is not None:
            inner = inner.where(
                tuple_(Payment.collected_on, Payment.id) < tuple_(*_AFTER)
            )
        if args.since is not None:
            inner = inner.where(Payment.collected_on >= _SINCE)
        if args.until is not None:
            inner = inner.where(Payment.collected_on <= _UNTIL)
        return Paging(inner, Payment.order_id, [("collected_on", True), ("pk", True)])


class AllocationsByPaymentIdLoader(ManyByKey[int]):
    """How each payment was applied: the ledger's allocation rows."""

    key_field = "payment_id"
    statement = (
        select(
            LedgerEntry.payment_id,
            LedgerEntry.bucket,
            LedgerEntry.owed_to,
            LedgerEntry.amount,
            LedgerEntry.entry_date.label("applied_on"),
        )
        .where(
            LedgerEntry.payment_id == any_(ID_KEYS),
            LedgerEntry.entry_type == LedgerEntryType.ALLOCATION,
        )
        .order_by(LedgerEntry.payment_id, LedgerEntry.id)
    )


class DisbursementsByPaymentIdLoader(ManyByKey[int]):
    key_field = "payment_id"
    statement = (
        select(
            Disbursement.payment_id,
            Disbursement.payee_party_id,
            Disbursement.disbursed_on,
            Disbursement.amount,
            Disbursement.method,
            Disbursement.status,
        )
        .where(Disbursement.payment_id == any_(ID_KEYS))
        .order_by(Disbursement.payment_id, Disbursement.id)
    )
