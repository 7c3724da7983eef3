"""The planned execution path against Strawberry, the reference.

Every API test already runs with ``execution_check`` (``running_api``): each
query the planned path answers is answered by Strawberry too, and any
difference in the answer or the audit records fails the test. Here: the
pages the apps and partners actually ask for, from every kind of caller,
must be answered by the planned path (not quietly by the fallback), equal to
Strawberry's, with a statement count that does not grow with the rows; what
the planned path does not take goes to Strawberry, counted and logged.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text

from db.enums import PaymentSource
from tests.fuzz.conftest import Seeded
from tests.fuzz.overrides import RAISED, RATES
from tests.fuzz.strategies import query_documents
from tests.fuzz.world import add_payments, tokens
from tests.support.api import running_api
from tests.support.issuer import TestIssuer
from tests.support.threaded_api import threaded_api

PAYMENTS = "collectedOn postedOn amount source status reference"
CASE_GRAPH = (
    "query Graph($number: String!) { case(number: $number) { __typename id "
    "caseNumber status caseType assistanceStatus openedOn closedOn updatedAt "
    "myRole otherParty { firstName lastName maskedSsn } "
    "participants { role party { id firstName middleName lastName dateOfBirth "
    "maskedSsn phone email familyViolenceIndicator } } "
    "children { id firstName lastName dateOfBirth city } "
    "orders { id orderNumber status issuingCourt causeNumber effectiveDate endDate "
    "obligations { kind amount frequency startDate endDate } "
    "balance { asOf currentSupportDue arrearsPrincipal arrearsOwedToFamily "
    "arrearsOwedToState interest fees totalOwed nextPaymentDue { dueOn amount } } "
    f"payments(first: 100) {{ nodes {{ id {PAYMENTS} "
    "allocations { bucket owedTo amount appliedOn } "
    "disbursements { disbursedOn amount method status } } "
    "edges { cursor } pageInfo { hasNextPage endCursor } } } "
    "activities { occurredAt code description } "
    "documents { kind title sentOn } } }"
)
DASHBOARD = (
    "query Dashboard { viewer { id firstName lastName cases { nodes { "
    "id caseNumber status myRole otherParty { firstName lastName } "
    "children { firstName lastName } orders { id orderNumber status "
    "balance { totalOwed } "
    f"payments(first: 10) {{ nodes {{ {PAYMENTS} }} }} }} }} "
    "pageInfo { hasNextPage endCursor } } } }"
)
FRAGMENTS = (
    "query Refetch($id: ID!, $n: Int = 2) { node(id: $id) { __typename id "
    "...CaseFields ... on Order { orderNumber payments(first: $n) { nodes "
    "{ amount } } } } glossary { term } } "
    "fragment CaseFields on Case { caseNumber status same: status "
    "orders { orderNumber } orders { status } }"
)
PAGE_TWO = (
    "query Page($number: String!, $after: String!) { case(number: $number) { "
    "orders { payments(first: 1, after: $after) { nodes { amount reference } "
    "pageInfo { hasNextPage } } } } }"
)
ANONYMOUS = "{ glossary { term definition } faq { question answer } }"


async def _run(
    api: Any, query: str, token: str | None, **variables: Any
) -> dict[str, Any]:
    response = await api.post(query, token, **variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("caller", ["parent", "caseworker", "partner"])
async def test_the_pages_are_planned_and_equal_to_strawberry(
    seeded: Seeded, issuer: TestIssuer, caller: str
) -> None:
    world = seeded.world
    token = tokens(issuer)[caller]
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        graph = await _run(api, CASE_GRAPH, token, number=world.a.case_number)
        assert graph["data"]["case"]["caseNumber"] == world.a.case_number
        dashboard = await _run(api, DASHBOARD, token)
        if caller == "parent":
            assert dashboard["data"]["viewer"]["cases"]["nodes"]
        else:
            assert dashboard["data"]["viewer"] is None
        first = graph["data"]["case"]["orders"][0]["payments"]["edges"][0]["cursor"]
        await _run(api, PAGE_TWO, token, number=world.a.case_number, after=first)
        case_id = graph["data"]["case"]["id"]
        order_id = graph["data"]["case"]["orders"][0]["id"]
        for node in (case_id, order_id):
            refetched = await _run(api, FRAGMENTS, token, id=node)
            assert refetched["data"]["node"]["id"] == node
        hidden = await _run(api, CASE_GRAPH, token, number=world.b.case_number)
        assert hidden["data"]["case"] is None
        # every one of them answered by the planned path, checked against
        # Strawberry (running_api fails the test on any difference)
        assert view.executions["planned"] == 6, view.executions
        assert view.executions["strawberry"] == 0, view.executions


async def test_anonymous_help_is_planned(seeded: Seeded, issuer: TestIssuer) -> None:
    async with running_api(seeded.engine, issuer.url) as api:
        body = await _run(api, ANONYMOUS, None)
        assert set(body["data"]) == {"glossary", "faq"}
        assert api.app.state.graphql.executions == {"planned": 1}


async def test_statements_do_not_grow_with_rows(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    world = seeded.world
    token = tokens(issuer)["partner"]
    async with running_api(seeded.engine, issuer.url) as api:
        api.counter.reset()
        await _run(api, CASE_GRAPH, token, number=world.a.case_number)
        few = api.counter.count
        # when the case gains forty payments
        await add_payments(
            seeded.engine, world.a, 40, year=2025, source=PaymentSource.DIRECT_PAYMENT
        )
        api.counter.reset()
        body = await _run(api, CASE_GRAPH, token, number=world.a.case_number)
        payments = body["data"]["case"]["orders"][0]["payments"]["nodes"]
        assert len(payments) > 40
        assert api.counter.count == few
        assert api.app.state.graphql.executions == {"planned": 2}


async def test_what_it_does_not_take_goes_to_strawberry_observably(
    seeded: Seeded, issuer: TestIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    world = seeded.world
    token = tokens(issuer)["parent"]
    caplog.set_level(logging.INFO, logger="gateway")
    async with running_api(seeded.engine, issuer.url) as api:
        view = api.app.state.graphql
        # a directive: not planned
        body = await _run(
            api,
            "query($s: Boolean!) { viewer { firstName @skip(if: $s) } }",
            token,
            s=False,
        )
        assert body["data"]["viewer"]["firstName"]
        # a page size out of range: the resolver refuses, the planned run
        # stops, Strawberry answers with the error
        body = await _run(
            api,
            "query($n: String!) { case(number: $n) { orders { payments(first: 0) "
            "{ nodes { amount } } } } }",
            token,
            n=world.a.case_number,
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert view.executions == {"strawberry": 2}
    reasons = [r.getMessage() for r in caplog.records if "Strawberry" in r.getMessage()]
    assert any("unsupported: directives" in reason for reason in reasons), reasons
    assert any("fallback: BadUserInput" in reason for reason in reasons), reasons


@pytest.mark.parametrize("caller", ["anonymous", "parent", "caseworker", "partner"])
def test_generated_queries_equal_strawberry(
    seeded: Seeded, issuer: TestIssuer, caller: str
) -> None:
    world = seeded.world
    token = tokens(issuer)[caller]
    with threaded_api(seeded.engine, issuer.url, **(RATES | RAISED)) as api:

        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(document=query_documents(world, invalid=False))
        def ask(document: str) -> None:
            response = api.post({"query": document}, token)
            assert response.status_code < 500, response.text

        ask()
        executions = api.api.app.state.graphql.executions
    # running_api has compared each planned answer with Strawberry's
    print(f"{caller}: {dict(executions)}")
    assert executions["planned"] > 0, executions


async def test_a_database_timeout_is_answered_at_once_not_waited_twice(
    seeded: Seeded, issuer: TestIssuer
) -> None:
    token = tokens(issuer)["parent"]
    orders = "{ viewer { cases { nodes { orders { orderNumber } } } } }"
    limits = {
        "db_statement_timeout_seconds": 0.5,
        "db_command_timeout_seconds": 1.0,
        "execution_check": False,
    }
    async with running_api(seeded.engine, issuer.url, **limits) as api:
        # while another session holds the orders table locked
        async with seeded.engine.begin() as conn:
            await conn.execute(
                text("LOCK TABLE support_orders IN ACCESS EXCLUSIVE MODE")
            )
            started = time.monotonic()
            response = await api.post(orders, token)
            took = time.monotonic() - started
        # then the planned run's statement is cancelled by the server and the
        # caller gets TIMEOUT after one statement timeout, not two (the
        # fallback does not wait on the same lock again)
        assert response.status_code == 504, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert took < 0.95, took
        assert api.app.state.graphql.executions == {"failed": 1}
