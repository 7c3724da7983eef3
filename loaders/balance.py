"""Balances: ledger totals per order in one grouped statement, then the rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, and_, any_, bindparam, cast, func, select

from db.enums import Bucket, LedgerEntryType, ObligationKind
from db.models import LedgerEntry as L
from domain.balance import CURRENT_BUCKETS, Balance, LedgerSums, derive_balance
from domain.schedule import Scheduled, month_start
from loaders.base import ID_KEYS, Source, SqlLoader
from loaders.order import ObligationsByOrderIdLoader

_AS_OF = bindparam("as_of", type_=L.entry_date.type)
_PERIOD = bindparam("period_start", type_=L.entry_date.type)
_CHARGE = L.entry_type.in_([LedgerEntryType.ACCRUAL, LedgerEntryType.ADJUSTMENT])
_PAID = L.entry_type == LedgerEntryType.ALLOCATION
_CURRENT = L.bucket.in_(CURRENT_BUCKETS)
_ZERO = cast(0, Numeric(12, 2))


def _sum(*conditions: ColumnElement[bool]) -> ColumnElement[Decimal]:
    return func.coalesce(func.sum(L.amount).filter(and_(*conditions)), _ZERO)


_PAST = (_CURRENT & (L.entry_date < _PERIOD)) | (L.bucket == Bucket.ARREARS)


class LedgerSumsByOrderIdLoader(SqlLoader[int, list[LedgerSums]]):
    """Per order: totals by owed-to, up to the as-of date, split by period."""

    statement = (
        select(
            L.order_id,
            L.owed_to,
            _sum(_CHARGE, _CURRENT, L.entry_date >= _PERIOD).label("current_charged"),
            _sum(_PAID, _CURRENT, L.entry_date >= _PERIOD).label("current_paid"),
            _sum(_CHARGE, _PAST).label("past_charged"),
            _sum(_PAID, _PAST).label("past_paid"),
            _sum(_CHARGE, L.bucket == Bucket.INTEREST).label("interest_charged"),
            _sum(_PAID, L.bucket == Bucket.INTEREST).label("interest_paid"),
            _sum(_CHARGE, L.bucket == Bucket.FEES).label("fees_charged"),
            _sum(_PAID, L.bucket == Bucket.FEES).label("fees_paid"),
        )
        .where(L.order_id == any_(ID_KEYS), L.entry_date <= _AS_OF)
        .group_by(L.order_id, L.owed_to)
    )

    def __init__(self, engine: Source, as_of: date) -> None:
        super().__init__(engine, as_of=as_of, period_start=month_start(as_of))

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[LedgerSums]]:
        grouped: defaultdict[int, list[LedgerSums]] = defaultdict(list)
        for row in await self.fetch(keys):
            values: dict[str, Any] = row._asdict()
            order_id = values.pop("order_id")
            grouped[order_id].append(LedgerSums(**values))
        return [grouped.get(key, []) for key in keys]


class BalanceByOrderIdLoader(SqlLoader[int, Balance]):
    """An order's balance as of a date; built on the two loaders it needs."""

    def __init__(
        self,
        engine: Source,
        as_of: date,
        sums: LedgerSumsByOrderIdLoader,
        obligations: ObligationsByOrderIdLoader,
    ) -> None:
        super().__init__(engine)
        self.as_of = as_of
        self.sums = sums
        self.obligations = obligations

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Balance]:
        sums = await self.sums.load_many(keys)
        lines = await self.obligations.load_many(keys)
        return [
            derive_balance(
                order_sums,
                self.as_of,
                (
                    Scheduled(
                        o.amount,
                        o.frequency,
                        o.start_date,
                        o.end_date,
                        repays_arrears=o.kind is ObligationKind.ARREARS_REPAYMENT,
                    )
                    for o in order_lines
                ),
            )
            for order_sums, order_lines in zip(sums, lines, strict=True)
        ]
