"""The demo-data generator and its bulk loader."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from demo.seed import personas as p
from demo.seed.generator import digest_batches, generate
from demo.seed.loader import (
    LoadReport,
    digest,
    holds_demo_personas,
    is_seeded,
    load,
)
from demo.seed.tables import COLUMNS, MAX_BATCH_ROWS, TableBatch
from tests.support import factories
from tests.support.databases import Server

AS_OF = date(2026, 11, 20)
SEED = 20261122
MONTH_START = AS_OF.replace(day=1)
CURRENT = ("current_support", "medical_support", "spousal_support")

PERSONA_NAMES = "SELECT first_name, last_name FROM parties WHERE id <= 3 ORDER BY id"
STAFF_MEMBER = "SELECT first_name, last_name, role, agency_id FROM staff WHERE id = :id"

ARREARS_OF_ORDER = """
    SELECT coalesce(sum(CASE
        WHEN entry_type IN ('accrual', 'adjustment') THEN amount
        WHEN entry_type = 'allocation' THEN -amount
        ELSE 0 END), 0)
    FROM ledger_entries WHERE order_id = :order AND entry_date < :month_start"""

EngineFactory = Callable[[], Awaitable[AsyncEngine]]
Tables = dict[str, list[dict[str, Any]]]


def tables_of(batches: Iterable[TableBatch]) -> Tables:
    """Generated rows per table, as dicts by column name."""
    tables: Tables = defaultdict(list)
    for batch in batches:
        columns = batch.columns
        tables[batch.table].extend(
            dict(zip(columns, r, strict=True)) for r in batch.rows
        )
    return tables


@pytest.fixture(scope="module")
async def seeded(
    pg_server: Server, template_database: str
) -> AsyncIterator[tuple[AsyncEngine, LoadReport]]:
    """One scale-1 load shared by this module's read-only checks."""
    url = await pg_server.create(template=template_database)
    engine = create_engine(url, pool_size=2, max_overflow=0)
    try:
        report = await load(engine, scale=1, seed=SEED, as_of=AS_OF)
        yield engine, report
    finally:
        await engine.dispose()
        assert url.database is not None
        await pg_server.drop(url.database)


@pytest.fixture(scope="module")
def small() -> Tables:
    """A small generation kept in memory for the pure checks."""
    return tables_of(generate(1, SEED, AS_OF, cases=250))


# -- determinism ---------------------------------------------------------------


def test_the_same_arguments_generate_the_same_rows() -> None:
    # given: two generations with the same arguments and one with another seed
    first = digest_batches(generate(1, SEED, AS_OF, cases=120))
    again = digest_batches(generate(1, SEED, AS_OF, cases=120))
    other = digest_batches(generate(1, SEED + 1, AS_OF, cases=120))

    # then: the same arguments give the same rows, another seed other rows
    assert first == again
    assert other != first


def test_the_personas_do_not_depend_on_the_seed() -> None:
    # given: generations with two seeds
    one = tables_of(generate(1, SEED, AS_OF, cases=10))
    two = tables_of(generate(1, SEED + 7, AS_OF, cases=10))

    # then: the personas' rows are the same in both
    def personas(tables: Tables) -> list[Any]:
        return [
            [r for r in tables["parties"] if r["id"] <= p.PROTECTED_PARTY_ID],
            [r for r in tables["cases"] if r["id"] <= p.SECOND_CASE_ID],
            [r for r in tables["payments"] if r["order_id"] <= p.SECOND_ORDER_ID],
        ]

    assert personas(one) == personas(two)


async def test_two_loads_give_the_same_database(
    seeded: tuple[AsyncEngine, LoadReport], engine_factory: EngineFactory
) -> None:
    # given: the module's scale-1 load, and a second fresh database
    first, _ = seeded
    second = await engine_factory()

    # when: the same arguments are loaded into the second one
    await load(second, scale=1, seed=SEED, as_of=AS_OF)

    # then: every seeded table holds the same rows
    assert await digest(second) == await digest(first)


async def test_a_fresh_database_is_not_seeded(engine: AsyncEngine) -> None:
    assert not await is_seeded(engine)


async def test_a_database_in_real_use_does_not_hold_the_demo_personas(
    engine: AsyncEngine,
) -> None:
    # given rows at the personas' ids that are somebody else (real data)
    async with engine.begin() as conn:
        office = await factories.agency(conn, code="OK-CSS")
        await factories.staff(conn, office, first_name="Alex", last_name="Smith")
        await factories.party(conn, first_name="Marcus", last_name="Lee")
    # then demo logins must not be linked to them
    assert await is_seeded(engine)
    assert not await holds_demo_personas(engine)


# -- scale 1 -------------------------------------------------------------------


async def test_scale_1_loads(
    seeded: tuple[AsyncEngine, LoadReport], capsys: pytest.CaptureFixture[str]
) -> None:
    # given: the module's scale-1 load
    engine, report = seeded

    # then: it is reported (a benchmark: printed, not asserted) and recognised
    with capsys.disabled():
        print("\n" + report.format())
    assert await is_seeded(engine)
    assert await holds_demo_personas(engine)
    assert 900 <= report.rows["cases"] <= 1_200
    assert "identity_links" not in report.rows
    assert "audit_events" not in report.rows


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return await conn.scalar(text(sql), params)


async def test_scale_1_has_realistic_shapes(
    seeded: tuple[AsyncEngine, LoadReport],
) -> None:
    engine, _ = seeded
    cases = await scalar(engine, "SELECT count(*) FROM cases")
    assert 900 <= cases <= 1_200
    bad_numbers = "SELECT count(*) FROM cases WHERE case_number !~ '^[0-9]{10}$'"
    assert await scalar(engine, bad_numbers) == 0
    on_two = """
        SELECT count(*) FROM (
            SELECT child_id FROM case_children GROUP BY child_id HAVING count(*) > 1
        ) x"""
    assert await scalar(engine, on_two) >= 1
    sources = "SELECT count(DISTINCT source) FROM payments"
    assert await scalar(engine, sources) >= 4
    one_obligor_one_obligee = """
        SELECT count(*) FROM cases c WHERE
            (SELECT count(*) FROM case_participants p
             WHERE p.case_id = c.id AND p.role = 'obligor') <> 1
         OR (SELECT count(*) FROM case_participants p
             WHERE p.case_id = c.id AND p.role = 'obligee') <> 1"""
    assert await scalar(engine, one_obligor_one_obligee) == 0


async def test_at_least_two_in_five_orders_carry_arrears(
    seeded: tuple[AsyncEngine, LoadReport],
) -> None:
    # given: arrears = what accrued (or was adjusted) before this month, less
    # what was allocated before this month
    engine, _ = seeded
    share = """
        WITH balance AS (
            SELECT o.id, coalesce(sum(CASE
                WHEN l.entry_type IN ('accrual', 'adjustment') THEN l.amount
                WHEN l.entry_type = 'allocation' THEN -l.amount
                ELSE 0 END), 0) AS arrears
            FROM support_orders o
            LEFT JOIN ledger_entries l
                ON l.order_id = o.id AND l.entry_date < :month_start
            GROUP BY o.id
        )
        SELECT avg((arrears > 0)::int) FROM balance"""

    # then
    assert await scalar(engine, share, month_start=MONTH_START) >= Decimal("0.4")


async def test_the_sequences_continue_after_the_generated_ids(
    seeded: tuple[AsyncEngine, LoadReport],
) -> None:
    engine, _ = seeded
    for table in ("parties", "cases", "payments", "ledger_entries"):
        last = await scalar(
            engine,
            f"SELECT last_value FROM {table}_id_seq",
        )
        assert last == await scalar(engine, f"SELECT max(id) FROM {table}")


async def test_the_persona_facts_hold(seeded: tuple[AsyncEngine, LoadReport]) -> None:
    engine, _ = seeded
    async with engine.connect() as conn:
        marcus_cases = (
            await conn.execute(
                text("""
                SELECT c.id, c.case_number, c.case_type, c.caseworker_id, c.office_id,
                       (SELECT party_id FROM case_participants
                        WHERE case_id = c.id AND role = 'obligee') AS obligee
                FROM cases c JOIN case_participants p ON p.case_id = c.id
                WHERE p.party_id = :marcus AND p.role = 'obligor'
                ORDER BY c.id"""),
                {"marcus": p.OBLIGOR_PARTY_ID},
            )
        ).all()
        names = (await conn.execute(text(PERSONA_NAMES))).all()
        active_indicator = await conn.scalar(
            text("""
                SELECT count(*) FROM family_violence_indicators
                WHERE party_id = :rosa AND code = 'family_violence'
                  AND cleared_on IS NULL"""),
            {"rosa": p.PROTECTED_PARTY_ID},
        )
        share = await conn.scalar(
            text("""
                SELECT scopes FROM partner_case_shares
                WHERE agency_id = :agency AND case_id = :case
                  AND revoked_on IS NULL"""),
            {"agency": p.PARTNER_AGENCY_ID, "case": p.SECOND_CASE_ID},
        )
        partner = (
            await conn.execute(
                text("SELECT code, kind FROM agencies WHERE id = :id"),
                {"id": p.PARTNER_AGENCY_ID},
            )
        ).one()
        dana_method = await conn.scalar(
            text("SELECT method FROM disbursement_preferences WHERE party_id = :dana"),
            {"dana": p.OBLIGEE_PARTY_ID},
        )
        dana_unread = await conn.scalar(
            text("""
                SELECT count(*) FROM messages m
                JOIN message_threads t ON t.id = m.thread_id
                WHERE t.party_id = :dana AND m.sender_kind = 'staff'
                  AND m.read_at IS NULL"""),
            {"dana": p.OBLIGEE_PARTY_ID},
        )
        second_order_arrears = await conn.scalar(
            text(ARREARS_OF_ORDER),
            {"order": p.SECOND_ORDER_ID, "month_start": MONTH_START},
        )
        alex = (
            await conn.execute(
                text(STAFF_MEMBER),
                {"id": p.CASEWORKER_STAFF_ID},
            )
        ).one()

    assert [tuple(n) for n in names] == [
        ("Marcus", "Reyes"),
        ("Dana", "Whitfield"),
        ("Rosa", "Delgado"),
    ]
    assert [(c.id, c.case_number, c.obligee) for c in marcus_cases] == [
        (p.FIRST_CASE_ID, p.FIRST_CASE_NUMBER, p.OBLIGEE_PARTY_ID),
        (p.SECOND_CASE_ID, p.SECOND_CASE_NUMBER, p.PROTECTED_PARTY_ID),
    ]
    assert marcus_cases[1].case_type == "interstate_initiating"
    assert {(c.caseworker_id, c.office_id) for c in marcus_cases} == {
        (p.CASEWORKER_STAFF_ID, p.PERSONA_OFFICE_ID)
    }
    assert tuple(alex) == ("Alex", "Morgan", "caseworker", p.PERSONA_OFFICE_ID)
    assert active_indicator == 1
    assert share == ["case:read", "pii:read"]
    assert tuple(partner) == (p.PARTNER_AGENCY_CODE, "partner_state_agency")
    assert dana_method == "direct_deposit"
    assert dana_unread >= 1
    assert second_order_arrears > 0


# -- the money simulation ------------------------------------------------------


def test_batches_come_in_foreign_key_order_and_bounded(small: Tables) -> None:
    # given: the batches of a small generation
    batches = list(generate(1, SEED, AS_OF, cases=250))
    order = list(COLUMNS)

    # then: each drain round lists tables in dependency order, none too large
    assert all(len(b.rows) <= MAX_BATCH_ROWS for b in batches)
    first_seen: dict[str, int] = {}
    for index, batch in enumerate(batches):
        first_seen.setdefault(batch.table, index)
    seen = sorted(first_seen, key=first_seen.__getitem__)
    assert seen == [t for t in order if t in first_seen]


def test_money_is_exact_cents(small: Tables) -> None:
    for table, column in (
        ("payments", "amount"),
        ("ledger_entries", "amount"),
        ("disbursements", "amount"),
        ("obligations", "amount"),
    ):
        for row in small[table]:
            value = row[column]
            assert isinstance(value, Decimal)
            assert value.as_tuple().exponent == -2, (table, value)


def test_every_posted_payment_is_collected_once_and_allocated_at_most_whole(
    small: Tables,
) -> None:
    # given: the ledger rows of each payment
    collected: dict[int, list[Decimal]] = defaultdict(list)
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    readjusted: dict[int, Decimal] = defaultdict(Decimal)
    for row in small["ledger_entries"]:
        if row["entry_type"] == "collection":
            collected[row["payment_id"]].append(row["amount"])
        elif row["entry_type"] == "allocation":
            allocated[row["payment_id"]] += row["amount"]
        elif row["entry_type"] == "adjustment" and row["payment_id"] is not None:
            readjusted[row["payment_id"]] += row["amount"]

    # then: posted payments have one collection, split into allocations and a
    # leftover that is never negative; pending and failed ones have no rows
    for payment in small["payments"]:
        pid, amount, status = payment["id"], payment["amount"], payment["status"]
        if status in ("pending", "failed"):
            assert payment["posted_on"] is None
            assert pid not in collected
            assert pid not in allocated
            continue
        assert collected[pid] == [amount]
        leftover = amount - allocated[pid]
        assert leftover >= 0
        if status == "reversed":
            assert readjusted[pid] == allocated[pid]
        else:
            assert pid not in readjusted


def test_no_allocation_exceeds_what_was_owed(small: Tables) -> None:
    # given: each order's ledger replayed in id order, which is date order;
    # what accrued in a month is current in that month and arrears after it
    due: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    arrears: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"family": Decimal(0), "state": Decimal(0)}
    )
    interest: dict[int, Decimal] = defaultdict(Decimal)
    month: dict[int, tuple[int, int]] = {}
    last_date: dict[int, date] = {}

    for row in small["ledger_entries"]:
        order, day = row["order_id"], row["entry_date"]
        kind, bucket, owed_to, amount = (
            row["entry_type"], row["bucket"], row["owed_to"], row["amount"],
        )  # fmt: skip
        assert day >= last_date.get(order, day)
        assert day <= AS_OF
        last_date[order] = day
        if month.get(order) != (day.year, day.month):
            for (_, to), left in due[order].items():
                arrears[order][to] += left
            due[order].clear()
            month[order] = (day.year, day.month)
        if kind == "collection":
            continue
        sign = -1 if kind == "allocation" else 1
        if bucket == "arrears":
            owed = arrears[order][owed_to]
        elif bucket == "interest":
            owed = interest[order]
        else:
            assert bucket in CURRENT
            owed = due[order].get((bucket, owed_to), Decimal(0))

        # then: an allocation never exceeds what is outstanding in its bucket
        if kind == "allocation":
            assert amount <= owed, row
        updated = owed + sign * amount
        assert updated >= 0, row
        if bucket == "arrears":
            arrears[order][owed_to] = updated
        elif bucket == "interest":
            interest[order] = updated
        else:
            due[order][(bucket, owed_to)] = updated


def test_disbursements_send_on_what_went_to_the_family(small: Tables) -> None:
    # given: what each payment allocated to the family
    family: dict[int, Decimal] = defaultdict(Decimal)
    for row in small["ledger_entries"]:
        if row["entry_type"] == "allocation" and row["owed_to"] == "family":
            family[row["payment_id"]] += row["amount"]
    status = {row["id"]: row for row in small["payments"]}

    # then: only disbursed payments are disbursed, for the family's share
    disbursed = {row["payment_id"]: row for row in small["disbursements"]}
    for pid, row in disbursed.items():
        assert status[pid]["status"] == "disbursed"
        assert row["amount"] == family[pid]
        assert row["disbursed_on"] > status[pid]["posted_on"]
    for pid, payment in status.items():
        if payment["status"] == "disbursed" and family[pid] > 0:
            assert pid in disbursed


def test_accruals_follow_the_obligation_schedules(small: Tables) -> None:
    # given: the obligations and their accruals
    kinds = {row["id"]: row for row in small["obligations"]}
    accrued: dict[int, list[date]] = defaultdict(list)
    for row in small["ledger_entries"]:
        if row["entry_type"] == "accrual" and row["obligation_id"] is not None:
            accrued[row["obligation_id"]].append(row["entry_date"])

    # then: monthly ones fall on the 1st; weekly ones every 7 days; arrears
    # repayment never accrues
    for obligation_id, days in accrued.items():
        obligation = kinds[obligation_id]
        assert obligation["kind"] != "arrears_repayment"
        if obligation["frequency"] == "monthly":
            assert {d.day for d in days} == {1}
        elif obligation["frequency"] == "weekly":
            gaps = {(b - a).days for a, b in pairwise(days)}
            assert gaps <= {7}


async def test_tax_offsets_pay_past_due_support_only(
    seeded: tuple[AsyncEngine, LoadReport],
) -> None:
    # given: every allocation of a tax refund offset in the demo data
    engine, _ = seeded
    query = """
        SELECT count(*) FILTER (WHERE l.bucket <> 'arrears') AS to_current,
               count(*) AS allocations
        FROM ledger_entries l JOIN payments p ON p.id = l.payment_id
        WHERE l.entry_type = 'allocation'
          AND p.source IN ('federal_tax_offset', 'state_tax_offset')"""
    async with engine.connect() as conn:
        row = (await conn.execute(text(query))).one()

    # then: there are some, and none went to current support (or anything
    # but arrears), as the allocation rule for offsets requires
    assert row.allocations > 100
    assert row.to_current == 0


async def test_a_thread_starts_with_its_first_message(
    seeded: tuple[AsyncEngine, LoadReport],
) -> None:
    engine, _ = seeded
    query = """
        SELECT count(*) FILTER (WHERE t.created_at > t.last_message_at) AS backwards,
               count(*) FILTER (WHERE t.created_at <> first.sent_at) AS not_first,
               count(*) AS threads
        FROM message_threads t
        JOIN LATERAL (SELECT min(sent_at) AS sent_at FROM messages m
                      WHERE m.thread_id = t.id) first ON true"""
    async with engine.connect() as conn:
        row = (await conn.execute(text(query))).one()
    assert row.threads > 100
    assert (row.backwards, row.not_first) == (0, 0)
