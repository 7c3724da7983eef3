"""Statements compiled once and sent by asyncpg (``db.statements``), and the
request's held connection (``loaders.base.Reads``): the same rows as
SQLAlchemy gives, on a real PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import any_, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import statements
from db.enums import ParticipantRole
from db.models import CaseParticipant
from loaders.base import ID_KEYS, Reads, read
from tests.support import factories as f
from tests.support.counting import counting

#: Enums in and out, an IN list written into the statement, an array key.
PARTICIPANTS = (
    select(
        CaseParticipant.case_id,
        CaseParticipant.role,
        CaseParticipant.party_id,
    )
    .where(
        CaseParticipant.case_id == any_(ID_KEYS),
        CaseParticipant.role.in_([ParticipantRole.OBLIGOR, ParticipantRole.OBLIGEE]),
        CaseParticipant.role != bindparam("not_role", type_=CaseParticipant.role.type),
    )
    .order_by(CaseParticipant.case_id, CaseParticipant.role)
)


async def _case(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        office = await f.agency(conn)
        case_id = await f.case(conn, office, None)
        for role in ParticipantRole:
            party = await f.party(conn)
            await f.add(
                conn, CaseParticipant, case_id=case_id, party_id=party, role=role
            )
    return case_id


async def test_rows_are_what_sqlalchemy_gives(engine: AsyncEngine) -> None:
    case_id = await _case(engine)
    params: dict[str, Any] = {
        "keys": [case_id],
        "not_role": ParticipantRole.OBLIGEE,
    }
    async with engine.connect() as conn:
        expected = list((await conn.execute(PARTICIPANTS, params)).all())
        with counting(engine) as sent:
            got = await statements.fetch(conn, PARTICIPANTS, params)
    # one statement, sent by asyncpg, not SQLAlchemy
    assert len(sent) == 1
    assert [tuple(row) for row in got] == [tuple(row) for row in expected]
    assert [row.role for row in got] == [ParticipantRole.OBLIGOR]
    assert got[0].role is ParticipantRole.OBLIGOR
    assert got[0]._asdict()["case_id"] == case_id


async def test_a_statement_it_cannot_take_is_run_by_sqlalchemy(
    engine: AsyncEngine,
) -> None:
    twice = select(literal(1).label("n"), literal(2).label("n"))
    async with engine.connect() as conn:
        rows = await statements.fetch(conn, twice, {})
    assert [tuple(row) for row in rows] == [(1, 2)]
    assert statements.STATEMENTS.get(twice, engine.dialect) is None


def test_a_statement_is_compiled_once(engine: AsyncEngine) -> None:
    kept = statements.STATEMENTS.get(PARTICIPANTS, engine.dialect)
    assert kept is not None
    assert statements.STATEMENTS.get(PARTICIPANTS, engine.dialect) is kept
    # the IN list is expanded into parameters of its own; the key is one array
    assert kept.sql.count("$") == len(kept.names)
    assert kept.names[0] == "keys"


async def test_reads_hold_one_connection_until_closed(engine: AsyncEngine) -> None:
    case_id = await _case(engine)
    statement = (
        select(func.count())
        .select_from(CaseParticipant)
        .where(CaseParticipant.case_id == any_(ID_KEYS))
    )
    pool = engine.sync_engine.pool
    reads = Reads(engine)
    before = pool.checkedout()  # type: ignore[attr-defined]
    for _ in range(3):
        rows = await read(reads, statement, {"keys": [case_id]})
        assert rows[0][0] == len(ParticipantRole)
    # one connection taken for all three reads, and kept
    assert pool.checkedout() == before + 1  # type: ignore[attr-defined]
    await reads.close()
    assert pool.checkedout() == before  # type: ignore[attr-defined]


async def test_reads_survive_a_connection_that_died(engine: AsyncEngine) -> None:
    case_id = await _case(engine)
    statement = select(CaseParticipant.id).where(
        CaseParticipant.case_id == any_(ID_KEYS)
    )
    reads = Reads(engine)
    await read(reads, statement, {"keys": [case_id]})
    # when the server ends the held connection (a restart, a failover)
    async with engine.connect() as other:
        ended = await other.exec_driver_sql(
            # (waiting up to 5 s for each to end)
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) "
            "FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name = 'case-gateway' AND state = 'idle'"
        )
        assert ended.scalar_one() >= 1
    # then the next read is made on a new connection
    rows = await read(reads, statement, {"keys": [case_id]})
    assert len(rows) == len(ParticipantRole)
    await reads.close()
