"""An index stands behind every lookup a loader makes: with sequential scans
priced out, no loader's statement plan may still scan a table."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any, get_type_hints

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from domain.schedule import month_start
from loaders import Loaders
from loaders.balance import BalanceByOrderIdLoader, LedgerSumsByOrderIdLoader
from loaders.base import SqlLoader
from loaders.case import CasePageArgs
from loaders.paging import PagedLoader
from loaders.payment import PaymentPageArgs

AS_OF = date(2026, 11, 22)
PAGE_ARGS: dict[str, Any] = {
    "cases_by_party_id": CasePageArgs(first=20, after="0000000001"),
    "payments_by_order_id": PaymentPageArgs(
        first=20, after=(AS_OF, 10), since=date(2024, 1, 1), until=AS_OF
    ),
}


def _loader_classes() -> dict[str, type[SqlLoader[Any, Any]]]:
    """Every loader of the per-request bundle, by attribute name."""
    found = {}
    for name, member in vars(Loaders).items():
        if isinstance(member, cached_property):
            found[name] = get_type_hints(member.func)["return"]
    return found


def _statements() -> list[tuple[str, Executable, dict[str, Any]]]:
    found = []
    for name, cls in sorted(_loader_classes().items()):
        if cls is BalanceByOrderIdLoader:
            continue  # runs no SQL of its own: it builds on two other loaders
        params: dict[str, Any] = {}
        if issubclass(cls, PagedLoader):
            # instance-free: building a page statement needs no loader state
            statement = cls.build(object.__new__(cls), PAGE_ARGS[name])
            params["limit"] = 21
        else:
            statement = cls.statement
        if cls is LedgerSumsByOrderIdLoader:
            params |= {"as_of": AS_OF, "period_start": month_start(AS_OF)}
        keys: list[Any] = ["0000000001"] if name == "case_by_number" else [1, 2, 3]
        found.append((name, statement, {"keys": keys, **params}))
    return found


STATEMENTS = _statements()


def test_every_loader_is_checked() -> None:
    assert len(_loader_classes()) == 31
    assert len(STATEMENTS) == 30  # all but the balance loader


@pytest.mark.parametrize(
    ("name", "statement", "params"), STATEMENTS, ids=[s[0] for s in STATEMENTS]
)
async def test_loader_statement_uses_indexes(
    engine: AsyncEngine, name: str, statement: Executable, params: dict[str, Any]
) -> None:
    # given the statement exactly as the driver receives it
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, sql: str, parameters: Any, *rest: Any) -> None:
        sent.append((sql, parameters))

    async with engine.connect() as conn:
        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        try:
            await conn.execute(statement, params)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", capture)
        # when it is planned with sequential scans priced out
        await conn.execute(text("SET enable_seqscan = off"))
        sql, parameters = sent[0]
        plan = await conn.exec_driver_sql("EXPLAIN " + sql, parameters)
        lines = [row[0] for row in plan]
    # then no table is scanned: an index serves every lookup
    assert not [line for line in lines if "Seq Scan" in line], "\n".join(lines)
