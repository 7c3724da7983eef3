"""Who a change acts for, decided by the declared ``MUTATIONS`` rules against
real rows: parents for themselves, caseworkers for parties of their office,
partners never; someone else's object is refused like a missing one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from auth.authorization.acting import (
    Acting,
    acting_for_party,
    acting_on_case,
    acting_on_order,
    acting_on_thread,
    may_act,
)
from auth.authorization.rules import MUTATIONS
from auth.principal import Principal, PrincipalKind
from db import models as m
from db.enums import AuditOutcome
from domain.field_errors import FORBIDDEN, NOT_FOUND, REQUIRED, Refused
from tests.support import factories as f
from tests.support import roles as r


def _as(kind: PrincipalKind, pk: int) -> Principal:
    return Principal(kind=kind, id=pk, issuer="https://issuer.test", subject=f"s{pk}")


@dataclass(frozen=True)
class World:
    office_worker: int
    other_office_worker: int
    partner: int
    obligor: int
    obligee: int
    stranger: int
    case_id: int
    case_number: str
    order_id: int
    thread_id: int


async def _world(conn: AsyncConnection) -> World:
    office = await f.agency(conn)
    other_office = await f.agency(conn, county="Harris")
    worker = await f.staff(conn, office)
    other_worker = await f.staff(conn, other_office)
    partner = await r.partner(conn)
    obligor = await f.party(conn)
    obligee = await f.party(conn)
    stranger = await f.party(conn)
    case_id = await f.case(conn, office, None)
    other_case = await f.case(conn, other_office, other_worker)
    await r.on_case(conn, case_id, obligor, "obligor")
    await r.on_case(conn, case_id, obligee, "obligee")
    await r.on_case(conn, other_case, stranger, "obligee")
    await r.share(conn, partner, case_id, ["case:read", "pii:read"])
    order_id = await f.order(conn, case_id)
    thread_id = await r.thread(conn, obligee, case_id)
    number = await conn.scalar(select(m.Case.case_number).where(m.Case.id == case_id))
    return World(
        worker, other_worker, partner, obligor, obligee, stranger, case_id,
        str(number), order_id, thread_id,
    )  # fmt: skip


@pytest.fixture
async def world(engine: AsyncEngine) -> World:
    async with engine.begin() as conn:
        return await _world(conn)


async def _code(call: object) -> tuple[str, AuditOutcome]:
    with pytest.raises(Refused) as refused:
        await call  # type: ignore[misc]
    return refused.value.errors[0].code, refused.value.outcome


def test_every_rule_names_who_acts_and_partners_act_nowhere() -> None:
    partner = _as(PrincipalKind.AGENCY, 1)
    unlinked = _as(PrincipalKind.UNLINKED, 0)
    for name, rule in MUTATIONS.items():
        assert rule.actors, name
        assert not may_act(rule, partner), name
        assert not may_act(rule, unlinked), name
        assert may_act(rule, _as(PrincipalKind.PARTY, 1)) is ("self" in rule.actors), (
            name
        )


async def test_a_parent_acts_for_themselves_only(
    engine: AsyncEngine, world: World
) -> None:
    me = _as(PrincipalKind.PARTY, world.obligee)
    async with engine.connect() as conn:
        own = await acting_for_party(conn, me, "updateContactInformation", None)
        named = await acting_for_party(
            conn, me, "updateContactInformation", world.obligee
        )
        other = await _code(
            acting_for_party(conn, me, "updateContactInformation", world.obligor)
        )
    assert own == named == Acting(world.obligee)
    assert other == (NOT_FOUND, AuditOutcome.DENIED)


async def test_a_role_bound_change_needs_the_role(
    engine: AsyncEngine, world: World
) -> None:
    async with engine.connect() as conn:
        payee = await acting_for_party(
            conn,
            _as(PrincipalKind.PARTY, world.obligee),
            "updateDisbursementPreference",
            None,
        )
        payer = await _code(
            acting_for_party(
                conn,
                _as(PrincipalKind.PARTY, world.obligor),
                "updateDisbursementPreference",
                None,
            )
        )
        # a caseworker cannot make the payer a payee either
        by_staff = await _code(
            acting_for_party(
                conn,
                _as(PrincipalKind.STAFF, world.office_worker),
                "updateDisbursementPreference",
                world.obligor,
            )
        )
    assert payee == Acting(world.obligee)
    assert payer == (FORBIDDEN, AuditOutcome.DENIED)
    assert by_staff == (NOT_FOUND, AuditOutcome.DENIED)


async def test_a_caseworker_acts_for_parties_of_their_office_only(
    engine: AsyncEngine, world: World
) -> None:
    mine = _as(PrincipalKind.STAFF, world.office_worker)
    theirs = _as(PrincipalKind.STAFF, world.other_office_worker)
    name = "reportEmployerChange"
    async with engine.connect() as conn:
        acting = await acting_for_party(conn, mine, name, world.obligor)
        unnamed = await _code(acting_for_party(conn, mine, name, None))
        stranger = await _code(acting_for_party(conn, mine, name, world.stranger))
        other_office = await _code(acting_for_party(conn, theirs, name, world.obligor))
        self_only = await _code(
            acting_for_party(conn, mine, "confirmEmailChange", world.obligor)
        )
    assert acting == Acting(world.obligor, staff_id=world.office_worker)
    assert acting.by_staff
    assert unnamed == (REQUIRED, AuditOutcome.FAILED)
    assert stranger == other_office == (NOT_FOUND, AuditOutcome.DENIED)
    assert self_only == (FORBIDDEN, AuditOutcome.DENIED)


async def test_only_the_obligor_pays_an_order(
    engine: AsyncEngine, world: World
) -> None:
    name = "makePayment"
    async with engine.connect() as conn:
        payer = await acting_on_order(
            conn, _as(PrincipalKind.PARTY, world.obligor), name, world.order_id
        )
        payee = await _code(
            acting_on_order(
                conn, _as(PrincipalKind.PARTY, world.obligee), name, world.order_id
            )
        )
        missing = await _code(
            acting_on_order(conn, _as(PrincipalKind.PARTY, world.obligor), name, 10**12)
        )
        for_payer = await acting_on_order(
            conn, _as(PrincipalKind.STAFF, world.office_worker), name, world.order_id
        )
        not_reached = await _code(
            acting_on_order(
                conn,
                _as(PrincipalKind.STAFF, world.other_office_worker),
                name,
                world.order_id,
            )
        )
        partner = await _code(
            acting_on_order(
                conn, _as(PrincipalKind.AGENCY, world.partner), name, world.order_id
            )
        )
    assert payer == Acting(world.obligor, case_id=world.case_id)
    assert for_payer == Acting(
        world.obligor, staff_id=world.office_worker, case_id=world.case_id
    )
    # the payee, a missing order and another office's caseworker: one answer
    assert payee == missing == not_reached == (NOT_FOUND, AuditOutcome.DENIED)
    assert partner == (FORBIDDEN, AuditOutcome.DENIED)


async def test_messages_reach_own_cases_and_threads(
    engine: AsyncEngine, world: World
) -> None:
    async with engine.connect() as conn:
        on_case = await acting_on_case(
            conn,
            _as(PrincipalKind.PARTY, world.obligor),
            "sendMessage",
            world.case_number,
        )
        not_on_case = await _code(
            acting_on_case(
                conn,
                _as(PrincipalKind.PARTY, world.stranger),
                "sendMessage",
                world.case_number,
            )
        )
        owner = await acting_on_thread(
            conn,
            _as(PrincipalKind.PARTY, world.obligee),
            "replyToMessage",
            world.thread_id,
        )
        other_parent = await _code(
            acting_on_thread(
                conn,
                _as(PrincipalKind.PARTY, world.obligor),
                "replyToMessage",
                world.thread_id,
            )
        )
        worker = await acting_on_thread(
            conn,
            _as(PrincipalKind.STAFF, world.office_worker),
            "replyToMessage",
            world.thread_id,
        )
        other_worker = await _code(
            acting_on_thread(
                conn,
                _as(PrincipalKind.STAFF, world.other_office_worker),
                "markMessagesRead",
                world.thread_id,
            )
        )
    assert on_case == Acting(world.obligor, case_id=world.case_id)
    assert owner == Acting(world.obligee, case_id=world.case_id)
    assert worker == Acting(
        world.obligee, staff_id=world.office_worker, case_id=world.case_id
    )
    assert (
        not_on_case == other_parent == other_worker == (NOT_FOUND, AuditOutcome.DENIED)
    )
