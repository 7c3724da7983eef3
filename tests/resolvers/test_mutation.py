"""One audited transaction per change: kept whole, or not at all, and on
record either way."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from auth.audit import AuditLog
from auth.principal import Principal, PrincipalKind
from db import models as m
from db.enums import AuditOutcome
from domain.field_errors import INVALID, FieldError, Refused
from resolvers.mutation import run

PARENT = Principal(kind=PrincipalKind.PARTY, id=1, issuer="i", subject="s")


def _info(engine: AsyncEngine) -> Any:
    audit = AuditLog(PARENT, "request-1")
    return SimpleNamespace(context=SimpleNamespace(audit=audit, engine=engine))


async def _glossary_terms(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(m.GlossaryTerm.term))).scalars())


async def _audits(engine: AsyncEngine) -> list[tuple[str, str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(m.AuditEvent.action, m.AuditEvent.outcome, m.AuditEvent.detail)
        )
        return [tuple(row) for row in rows]


async def _write_term(conn: AsyncConnection) -> None:
    await conn.execute(insert(m.GlossaryTerm).values(term="t", definition="d"))


async def test_a_change_and_its_record_commit_together(engine: AsyncEngine) -> None:
    info = _info(engine)

    async def change(conn: AsyncConnection) -> str:
        await _write_term(conn)
        info.context.audit.record("act", outcome=AuditOutcome.SUCCEEDED)
        return "done"

    assert await run(info, "act", change) == "done"
    assert await _glossary_terms(engine) == ["t"]
    assert await _audits(engine) == [("act", "succeeded", None)]


async def test_a_refused_change_keeps_nothing_but_its_record(
    engine: AsyncEngine,
) -> None:
    info = _info(engine)
    error = FieldError(INVALID, "term", "no")

    async def change(conn: AsyncConnection) -> str:
        await _write_term(conn)
        raise Refused(error)

    assert await run(info, "act", change) == [error]
    assert await _glossary_terms(engine) == []
    assert await _audits(engine) == [("act", "failed", {"errors": ["invalid"]})]


async def test_an_unexpected_failure_keeps_nothing_is_recorded_and_raised(
    engine: AsyncEngine,
) -> None:
    info = _info(engine)

    async def change(conn: AsyncConnection) -> str:
        await _write_term(conn)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await run(info, "act", change)
    assert await _glossary_terms(engine) == []
    assert await _audits(engine) == [("act", "failed", {"errors": ["internal"]})]
