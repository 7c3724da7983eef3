"""Compiled plans: a parent's query answered by one statement.

``running_api`` answers every planned query with Strawberry too and fails
the test on any difference, so each query here that compiles is also
checked field by field against the reference. What these tests add: the
documents the apps send do compile (not quietly run a level at a time), the
statement count stays the same however many rows they read, the rules'
per-row outcomes (the caller's own record against someone else's) come out
of the SQL, and what does not compile still runs, with the reason kept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse
from sqlalchemy import DateTime, literal, select, text

from auth.principal import Principal, PrincipalKind
from db.enums import PaymentSource
from execution.compile import Compiler, date_time_text
from execution.plan import Unsupported
from execution.run import Executor
from loaders import ids
from schema.build import build_schema
from tests.fuzz.conftest import Seeded
from tests.fuzz.world import PARENT_A, add_payments, tokens
from tests.support.api import running_api
from tests.support.issuer import TestIssuer

#: The benchmark's parent dashboard, as the apps send it.
DASHBOARD = (
    "query Dashboard { viewer { firstName lastName cases { nodes { "
    "id caseNumber status otherParty { firstName lastName } "
    "children { firstName lastName } orders { id orderNumber status "
    "payments(first: 10) { nodes { collectedOn amount source status } } "
    "} } } } }"
)

#: Documents that compile: aliases, fragments, __typename, arguments, the
#: people on a case with the fields only their owner may read.
COMPILED = [
    DASHBOARD,
    "{ viewer { __typename id firstName middleName lastName dateOfBirth "
    "maskedSsn phone email contactVersion } }",
    "query Mine { me: viewer { name: firstName cases(first: 1, openOnly: true) "
    "{ __typename nodes { __typename caseNumber caseType assistanceStatus "
    "openedOn closedOn } } } }",
    "{ viewer { cases { nodes { ...People orders { ...Order } } } } } "
    "fragment People on Case { participants { role party { id firstName "
    "lastName dateOfBirth maskedSsn email } } otherParty { id middleName } } "
    "fragment Order on Order { orderNumber issuingCourt causeNumber "
    "effectiveDate endDate recent: payments(first: 2) { nodes { id amount "
    'postedOn reference } } older: payments(first: 3, to: "2025-03-01") '
    "{ nodes { collectedOn } } }",
]

#: Documents that do not compile, and why (they run a level at a time).
NOT_COMPILED = {
    "{ viewer { cases { nodes { myRole } } } }": "Case.myRole has a resolver",
    "{ viewer { cases { pageInfo { endCursor } } } }": "PageInfo.endCursor",
    "{ viewer { cases { edges { cursor } } } }": "CaseConnection.edges",
    "{ viewer { cases { nodes { children { dateOfBirth } } } } }": (
        "Child.dateOfBirth depends on the caller's roles"
    ),
    "{ viewer { cases { nodes { orders { balance { totalOwed } } } } } }": (
        "Order.balance is not one list"
    ),
}


#: The payment history page: a case by the number in a variable, a page of
#: each order's payments and whether more follow.
HISTORY = (
    "query History($number: String!) { case(number: $number) { caseNumber "
    "orders { orderNumber payments(first: 25) { __typename nodes { collectedOn "
    "amount source status reference } pageInfo { __typename hasNextPage } "
    "latest: nodes { postedOn } } } } }"
)
#: A refetch by global ID.
NODE = (
    "query Refetch($id: ID!) { node(id: $id) { __typename id "
    "... on Case { caseNumber status openedOn updatedAt } "
    "... on Order { orderNumber } } }"
)


async def _post(
    api: Any, query: str, token: str | None, **variables: Any
) -> dict[str, Any]:
    response = await api.post(query, token, **variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _remembered(api: Any, token: str | None) -> int:
    """The statements of a compiled request once the caller's principal is
    remembered (after their first request): the one that answers, which
    reads their link too. The counter is reset."""
    await _post(api, "{ viewer { firstName } }", token)
    api.counter.reset()
    await _post(api, "{ viewer { firstName } }", token)
    least: int = api.counter.count
    assert least == 1
    api.counter.reset()
    return least


async def test_the_dashboard_compiles_to_one_statement(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    world = seeded.world
    token = tokens(issuer)["parent"]
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        least = await _remembered(api, token)
        body = await _post(api, DASHBOARD, token)
        assert api.counter.count == least
        cases = body["data"]["viewer"]["cases"]["nodes"]
        assert cases
        payments = cases[0]["orders"][0]["payments"]["nodes"]
        # when an order gains forty payments: the same one statement
        await add_payments(
            seeded.engine,
            world.a,
            40,
            year=2031,
            source=PaymentSource.FEDERAL_TAX_OFFSET,
        )
        api.counter.reset()
        body = await _post(api, DASHBOARD, token)
        assert api.counter.count == least
        orders = [
            order
            for case in body["data"]["viewer"]["cases"]["nodes"]
            for order in case["orders"]
            if order["payments"]["nodes"] != payments
        ]
        # the page holds ten, newest first; a tax offset shows as TAX_OFFSET
        newest = orders[0]["payments"]["nodes"]
        assert len(newest) == 10
        assert {p["source"] for p in newest} == {"TAX_OFFSET"}
        assert view.executions == {"compiled": 4}, view.executions


async def test_documents_compile_and_equal_strawberry(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    token = tokens(issuer)["parent"]
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        for query in COMPILED:
            await _post(api, query, token)
        assert view.executions == {"compiled": len(COMPILED)}, view.executions
        # the caller's own birth date, not the other parent's
        body = await _post(api, COMPILED[3], token)
        me = (await _post(api, "{ viewer { id } }", token))["data"]["viewer"]["id"]
        people = [
            p["party"]
            for case in body["data"]["viewer"]["cases"]["nodes"]
            for p in case["participants"]
        ]
        mine = [p for p in people if p["id"] == me]
        others = [p for p in people if p["id"] != me]
        assert mine
        assert others
        assert all(p["dateOfBirth"] is not None for p in mine)
        assert all(p["dateOfBirth"] is None and p["maskedSsn"] is None for p in others)


async def test_what_does_not_compile_runs_a_level_at_a_time(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    token = tokens(issuer)["parent"]
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        for query in NOT_COMPILED:
            await _post(api, query, token)
        assert view.executions == {"planned": len(NOT_COMPILED)}, view.executions
        reasons = {plan.compiled for plan in view.executor.planner._plans.values()}
        assert reasons == set(NOT_COMPILED.values())


async def test_a_case_by_number_in_a_variable_compiles_with_its_pages(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    world = seeded.world
    token = tokens(issuer)["parent"]
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        least = await _remembered(api, token)
        body = await _post(api, HISTORY, token, number=world.a.case_number)
        assert api.counter.count == least
        (order,) = body["data"]["case"]["orders"]
        page = order["payments"]
        assert page["pageInfo"] == {"__typename": "PageInfo", "hasNextPage": False}
        assert 0 < len(page["nodes"]) == len(page["latest"]) <= 25
        # one more page's worth: 25 shown, and a next page
        await add_payments(seeded.engine, world.a, 30, year=2031, source="other")
        body = await _post(api, HISTORY, token, number=world.a.case_number)
        page = body["data"]["case"]["orders"][0]["payments"]
        assert len(page["nodes"]) == len(page["latest"]) == 25
        assert page["pageInfo"]["hasNextPage"] is True
        # the other family's case, and what cannot be a case number: null
        for number in (world.b.case_number, "12", world.a.case_number + "0"):
            body = await _post(api, HISTORY, token, number=number)
            assert body["data"] == {"case": None}
        assert view.executions == {"compiled": 7}, view.executions


async def test_node_compiles_for_case_ids_and_runs_others_a_level_at_a_time(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    world = seeded.world
    token = tokens(issuer)["parent"]
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        mine = ids.encode("Case", world.a.case_id)
        body = await _post(api, NODE, token, id=mine)
        assert body["data"]["node"]["__typename"] == "Case"
        assert body["data"]["node"]["id"] == mine
        assert body["data"]["node"]["caseNumber"] == world.a.case_number
        # not theirs, no such case, not an ID, an ID of no fetched type
        for other in (
            ids.encode("Case", world.b.case_id),
            ids.encode("Case", 10**15),
            "not an id",
            ids.encode("Child", world.a.child_id),
        ):
            assert await _post(api, NODE, token, id=other) == {"data": {"node": None}}
        assert view.executions == {"compiled": 5}, view.executions
        # an order's ID: the statement fetches cases only
        order = ids.encode("Order", world.a.order_id)
        body = await _post(api, NODE, token, id=order)
        assert body["data"]["node"]["__typename"] == "Order"
        assert view.executions == {"compiled": 5, "planned": 1}, view.executions


@pytest.mark.parametrize("kind", [PrincipalKind.STAFF, PrincipalKind.AGENCY])
def test_only_parents_queries_compile(kind: PrincipalKind) -> None:
    schema = build_schema()
    with pytest.raises(Unsupported):
        Compiler(
            Principal(kind, 1, "issuer", "subject"),
            100,
            schema.config,
            Executor(schema).scalars,
        )


async def test_a_remembered_parent_is_read_again_with_every_answer(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    """A parent's principal is remembered per token; the compiled statement
    reads the login's link with the answer, every other path reads it
    first: a link changed or removed shows on the very next request."""
    world = seeded.world
    token = tokens(issuer)["parent"]
    mine = "{ viewer { firstName cases { nodes { caseNumber } } } }"
    planned = "{ viewer { cases { nodes { caseNumber myRole } } } }"
    relink = (
        "UPDATE identity_links SET party_id = :party "
        "WHERE subject = :subject AND party_id IS NOT NULL"
    )
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        api.counter.reset()
        first = await _post(api, mine, token)
        looked_up = api.counter.count
        api.counter.reset()
        assert await _post(api, mine, token) == first
        # remembered: the one statement is the answer's
        assert api.counter.count == looked_up - 1 == 1
        numbers = [c["caseNumber"] for c in first["data"]["viewer"]["cases"]["nodes"]]
        assert numbers == [world.a.case_number]
        async with seeded.engine.begin() as conn:
            await conn.execute(
                text(relink), {"party": world.b.obligor_id, "subject": PARENT_A}
            )
        for query in (mine, planned):
            body = await _post(api, query, token)
            cases = body["data"]["viewer"]["cases"]["nodes"]
            assert [c["caseNumber"] for c in cases] == [world.b.case_number]
        async with seeded.engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM identity_links WHERE subject = :subject"),
                {"subject": PARENT_A},
            )
        for query in (mine, planned):
            response = await api.post(query, token)
            body = response.json()
            assert "data" not in body or body["data"] is None, body
            assert body["errors"][0]["extensions"]["code"] == "ACCOUNT_NOT_LINKED"
        assert view.executions == {"compiled": 3, "planned": 1}, view.executions


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2024, 1, 2, 3, 4, 5, 100, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2024, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2024, 1, 2, 3, 4, 5, 120000),
    ],
)
async def test_date_times_are_written_as_the_schema_writes_them(
    seeded: Seeded, moment: datetime
) -> None:
    aware = moment.tzinfo is not None
    column = literal(moment, DateTime(timezone=aware))
    async with seeded.engine.connect() as conn:
        written = (await conn.execute(select(date_time_text(column)))).scalar_one()
    # what the driver reads (UTC for a column with a time zone), isoformat
    expected = moment.astimezone(UTC) if aware else moment
    assert written == expected.isoformat()


def test_a_login_not_linked_yet_leaves_the_plan_to_parents() -> None:
    """Plans are kept per kind of caller, which a parent shares with a login
    not linked yet: the latter's refusal is not kept on the plan."""
    schema = build_schema()
    executor = Executor(schema)
    document = parse(DASHBOARD)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    plan = executor.planner.plan((DASHBOARD, None, "person"), document, operation)
    settings = SimpleNamespace(max_page_size=100)
    unlinked = Principal(PrincipalKind.UNLINKED, 0, "issuer", "subject")
    with pytest.raises(Unsupported):
        executor.compiled(plan, SimpleNamespace(principal=unlinked, settings=settings))  # type: ignore[arg-type]
    assert plan.compiled is None
    parent = Principal(PrincipalKind.PARTY, 1, "issuer", "subject")
    context = SimpleNamespace(principal=parent, settings=settings)
    assert executor.compiled(plan, context) is plan.compiled  # type: ignore[arg-type]


async def test_a_plan_the_compiler_fails_on_runs_a_level_at_a_time(
    seeded: Seeded, issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Compiler, plan: Any) -> Any:
        raise RuntimeError("a defect")

    monkeypatch.setattr(Compiler, "compile", broken)
    token = tokens(issuer)["parent"]
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        body = await _post(api, DASHBOARD, token)
        assert body["data"]["viewer"]["cases"]["nodes"]
        assert view.executions == {"planned": 1}, view.executions
        reasons = {plan.compiled for plan in view.executor.planner._plans.values()}
        assert reasons == {"compiling failed (RuntimeError)"}
