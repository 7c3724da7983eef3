"""An index stands behind every lookup a loader makes: with sequential scans
priced out, no loader's statement plan may still scan a table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, get_type_hints

import pytest
from aiodataloader import DataLoader
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from auth.principal import Principal, PrincipalKind
from db.enums import CaseStatus
from domain.schedule import month_start
from loaders import Loaders
from loaders.access import AccessByCaseIdLoader
from loaders.audit import AuditPageArgs
from loaders.balance import BalanceByOrderIdLoader, LedgerSumsByOrderIdLoader
from loaders.base import SqlLoader
from loaders.case import (
    CaseByIdLoader,
    CaseByNumberLoader,
    CaseFilterArgs,
    CasePageArgs,
    CasesByPartyIdLoader,
    VisibleCasesLoader,
)
from loaders.message import ThreadByIdLoader, ThreadsByCaseIdLoader
from loaders.order import OrderByIdLoader
from loaders.paging import PagedLoader
from loaders.party import PartyNodeLoader
from loaders.payment import PaymentByIdLoader, PaymentPageArgs

AS_OF = date(2026, 11, 22)
PAGE_ARGS: dict[str, Any] = {
    "cases_by_party_id": CasePageArgs(first=20, after="0000000001"),
    "payments_by_order_id": PaymentPageArgs(
        first=20, after=(AS_OF, 10), since=date(2024, 1, 1), until=AS_OF
    ),
    "audit_events_by_case_id": AuditPageArgs(
        first=20, after=(datetime(2026, 11, 1, tzinfo=UTC), 10)
    ),
}
#: The root page of cases, with every filter at once.
FILTERED = CaseFilterArgs(
    first=20,
    after="0000000001",
    status=CaseStatus.OPEN,
    county="Travis",
    participant_name="ann",
    updated_since=datetime(2026, 1, 1, tzinfo=UTC),
)
#: Loaders whose statement depends on who asks: checked for every kind.
PRINCIPALS = {
    kind: Principal(kind, 1, "iss", "sub", frozenset({"cases:read", "case:read"}))
    for kind in (PrincipalKind.PARTY, PrincipalKind.STAFF, PrincipalKind.AGENCY)
}


def _loader_classes() -> dict[str, type[DataLoader[Any, Any]]]:
    """Every loader of the per-request bundle, by attribute name."""
    found = {}
    for name, member in vars(Loaders).items():
        if isinstance(member, cached_property):
            found[name] = get_type_hints(member.func)["return"]
    return found


def _statement(loaders: Loaders, name: str) -> tuple[Executable, dict[str, Any]]:
    """The loader's statement, and the values it binds for its page args."""
    loader = getattr(loaders, name)
    if isinstance(loader, PagedLoader):
        args = PAGE_ARGS[name]
        return loader.build(args), loader.values(args)
    if isinstance(loader, VisibleCasesLoader):
        return loader.build(FILTERED), loader.values(FILTERED)
    if isinstance(loader, AccessByCaseIdLoader):
        return loader.statement, {}
    assert isinstance(loader, SqlLoader)
    return loader.query(), {}


Case = tuple[str, str, Principal, dict[str, Any]]


def _cases() -> list[Case]:
    """(label, loader name, principal, parameters) for every statement; the
    statements are built inside the tests (a loader needs a running loop)."""
    found = []
    for name, cls in sorted(_loader_classes().items()):
        if cls is BalanceByOrderIdLoader:
            continue  # runs no SQL of its own: it builds on two other loaders
        params: dict[str, Any] = {}
        if issubclass(cls, PagedLoader):
            params["limit"] = 21
        if cls is LedgerSumsByOrderIdLoader:
            params |= {"as_of": AS_OF, "period_start": month_start(AS_OF)}
        keys: list[Any] = ["0000000001"] if name == "case_by_number" else [1, 2, 3]
        if cls is not VisibleCasesLoader:
            params["keys"] = keys
        for kind, principal in PRINCIPALS.items():
            label = name if cls not in BY_PRINCIPAL else f"{name}[{kind}]"
            found.append((label, name, principal, params))
            if cls not in BY_PRINCIPAL:
                break
    return found


#: Loaders whose statement is built from the principal.
BY_PRINCIPAL = frozenset(
    {
        AccessByCaseIdLoader,
        CasesByPartyIdLoader,
        VisibleCasesLoader,
        PartyNodeLoader,
        CaseByIdLoader,
        CaseByNumberLoader,
        OrderByIdLoader,
        PaymentByIdLoader,
        ThreadByIdLoader,
        ThreadsByCaseIdLoader,
    }
)
STATEMENTS = _cases()


def test_every_loader_is_checked() -> None:
    loaders = _loader_classes()
    assert len(loaders) == 36
    assert set(loaders.values()) >= BY_PRINCIPAL
    # all but the balance loader; those built per principal, once per kind
    assert len(STATEMENTS) == 35 + 2 * len(BY_PRINCIPAL)


@pytest.mark.parametrize(
    ("label", "name", "principal", "params"),
    STATEMENTS,
    ids=[s[0] for s in STATEMENTS],
)
async def test_loader_statement_uses_indexes(
    engine: AsyncEngine,
    label: str,
    name: str,
    principal: Principal,
    params: dict[str, Any],
) -> None:
    statement, bound = _statement(Loaders(engine, AS_OF, principal), name)
    # given the statement exactly as the driver receives it
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, sql: str, parameters: Any, *rest: Any) -> None:
        sent.append((sql, parameters))

    async with engine.connect() as conn:
        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        try:
            # the principal's id is bound (filters.PRINCIPAL_ID)
            await conn.execute(
                statement, params | bound | {"principal_id": principal.id}
            )
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", capture)
        # when it is planned with sequential scans priced out
        await conn.execute(text("SET enable_seqscan = off"))
        sql, parameters = sent[0]
        plan = await conn.exec_driver_sql("EXPLAIN " + sql, parameters)
        lines = [row[0] for row in plan]
    # then no table is scanned: an index serves every lookup
    assert not [line for line in lines if "Seq Scan" in line], "\n".join(lines)
