"""A partner agency's view of the cases shared with it: the whole graph in one
request at a fixed cost, and exactly what the share and the token both grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import roles as r
from tests.support.api import running_api
from tests.support.issuer import TestIssuer

PARTNER_GRAPH = """
query($n: String!) {
  case(number: $n) {
    caseNumber status
    participants {
      role
      party { firstName lastName maskedSsn dateOfBirth familyViolenceIndicator }
    }
    orders {
      orderNumber
      obligations { kind amount }
      balance { totalOwed arrearsPrincipal }
      payments(first: 100) {
        nodes { amount collectedOn source disbursements { amount } }
      }
    }
    activities { code description }
    caseworker { email phone }
  }
}
"""

#: The partner graph costs, whatever the number of people and payments:
#: 1 identity link (authentication), 2 case by number, with the partner's
#: access to the case (share scopes, protected people; every guard shares
#: it), 3 participants with their records, 4 orders, 5 the caseworker,
#: 6 activities, 7 obligations, 8 ledger sums (balance), 9 the payments page,
#: 10 the payments' disbursements, 11 the audit INSERT (partner read +
#: personal data).
PARTNER_GRAPH_STATEMENTS = 11

SCOPED = """
query($n: String!) {
  case(number: $n) {
    caseNumber
    participants {
      role
      party {
        firstName lastName familyViolenceIndicator
        maskedSsn dateOfBirth phone email
        mailingAddress { line1 city }
        employments { employerName }
      }
    }
    children { firstName dateOfBirth addressLine1 }
    orders { orderNumber payments { nodes { amount source } } }
  }
}
"""
PII_PARTY_FIELDS = (
    "maskedSsn",
    "dateOfBirth",
    "phone",
    "email",
    "mailingAddress",
    "employments",
)
PII_CHILD_FIELDS = ("dateOfBirth", "addressLine1")
SOURCES = """
query($n: String!) { case(number: $n) { orders { payments { nodes { source } } } } }
"""
CASE_NUMBER = "query($n: String!) { case(number: $n) { caseNumber } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
CASES = "{ cases(first: 100) { nodes { caseNumber } } }"

ALL = "case:read pii:read fti:read"


@dataclass(frozen=True)
class Shared:
    case_id: int
    number: str
    order_id: int
    party_ids: list[int]


async def shared_case(
    conn: AsyncConnection,
    number: str,
    *,
    people: int,
    payments: int,
    share_with: dict[int, list[str]],
) -> Shared:
    """A case with an obligor, an obligee and ``people - 2`` caretakers, a
    child, an order with ``payments`` payments (the first a federal tax
    offset), each disbursed to the obligee; activities; shares."""
    office = await f.agency(conn)
    worker = await f.staff(conn, office, phone="512-555-0111")
    case_id = await f.case(conn, office, worker, case_number=number)
    roles = ["obligor", "obligee"] + ["caretaker"] * (people - 2)
    party_ids: list[int] = []
    for n, role in enumerate(roles):
        party_id = await f.party(conn, first_name=f"{role.title()}{n}")
        await r.on_case(conn, case_id, party_id, role)
        party_ids.append(party_id)
    employer = await f.add(conn, m.Employer, name="Acme Widgets")
    await f.add(
        conn,
        m.Employment,
        party_id=party_ids[0],
        employer_id=employer,
        start_date=date(2020, 1, 1),
    )
    await r.child(conn, [case_id], first_name="Cody", date_of_birth=date(2016, 6, 6))
    order = await f.order(conn, case_id, effective_date=date(2020, 1, 1))
    await f.obligation(conn, order, start_date=date(2020, 1, 1))
    start = date(2020, 1, 5)
    for k in range(payments):
        day = start + timedelta(days=7 * k)
        paid = await f.payment(
            conn,
            order,
            party_ids[0],
            collected_on=day,
            posted_on=day,
            source="federal_tax_offset" if k == 0 else "income_withholding",
        )
        await f.add(
            conn,
            m.Disbursement,
            payment_id=paid,
            payee_party_id=party_ids[1],
            disbursed_on=day + timedelta(days=2),
            amount=Decimal("400.00"),
            method="direct_deposit",
            status="cleared",
        )
    for k, code in enumerate(("order_entered", "iwo_sent")):
        await f.add(
            conn,
            m.CaseActivity,
            case_id=case_id,
            occurred_at=datetime(2021, 1, 1 + k, tzinfo=UTC),
            code=code,
            description=f"Activity {code}",
        )
    for agency_id, scopes in share_with.items():
        await r.share(conn, agency_id, case_id, scopes)
    return Shared(case_id, number, order, party_ids)


async def test_the_partner_graph_costs_the_same_for_any_size(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given two cases shared with a partner: 2 people and 3 payments, and
    # 4 people and 60 payments
    async with engine.begin() as conn:
        agency = await r.partner(conn, code="OK-CSS")
        await r.link_agency(conn, issuer.url, "OK-CSS", agency)
        small = await shared_case(
            conn, "7100000001", people=2, payments=3, share_with={agency: ALL.split()}
        )
        large = await shared_case(
            conn, "7100000002", people=4, payments=60, share_with={agency: ALL.split()}
        )
    token = r.partner_token(issuer, "OK-CSS", ALL)

    # when the partner reads each whole graph in one request
    async with running_api(engine, issuer.url) as api:
        counts = []
        answers = []
        for case in (small, large):
            api.counter.reset()
            answers.append(
                (await api.query(PARTNER_GRAPH, token, n=case.number))["case"]
            )
            counts.append(api.counter.count)
            statements = api.counter.statements
            assert len(r.audit_inserts(statements)) == 1

    # then it is all there, federal tax information included
    small_case, large_case = answers
    assert len(small_case["participants"]) == 2
    assert len(large_case["participants"]) == 4
    assert small_case["participants"][0]["party"]["maskedSsn"].startswith("***-**-")
    assert small_case["participants"][0]["party"]["familyViolenceIndicator"] is False
    large_payments = large_case["orders"][0]["payments"]["nodes"]
    assert len(large_payments) == 60
    assert large_payments[-1]["source"] == "FEDERAL_TAX_OFFSET"
    assert all(p["disbursements"] == [{"amount": "400.00"}] for p in large_payments)
    assert len(small_case["activities"]) == 2
    assert small_case["caseworker"]["phone"] == "512-555-0111"
    # and it cost the same, stated number of statements for both
    assert counts == [PARTNER_GRAPH_STATEMENTS, PARTNER_GRAPH_STATEMENTS]


@dataclass(frozen=True)
class Partners:
    case: Shared
    #: client id -> share scopes
    shares: dict[str, list[str]]


async def scoped_world(conn: AsyncConnection, issuer: str) -> Partners:
    shares = {
        "FULL": ["case:read", "pii:read", "fti:read"],
        "BARE": ["case:read"],
        "PII-ONLY": ["pii:read"],
        "FTI-ONLY": ["pii:read", "fti:read"],
    }
    agencies: dict[int, list[str]] = {}
    for client, scopes in shares.items():
        agency = await r.partner(conn, code=client)
        await r.link_agency(conn, issuer, client, agency)
        agencies[agency] = scopes
    case = await shared_case(
        conn, "7200000001", people=2, payments=1, share_with=agencies
    )
    return Partners(case, shares)


def _forbidden_paths(body: dict[str, Any]) -> set[tuple[Any, ...]]:
    found = set()
    for error in body.get("errors", []):
        assert error["extensions"] == {"code": "FORBIDDEN", "scope": "pii:read"}, error
        found.add(tuple(error["path"]))
    return found


def _pii_paths(people: int, children: int) -> set[tuple[Any, ...]]:
    party = {
        ("case", "participants", k, "party", name)
        for k in range(people)
        for name in PII_PARTY_FIELDS
    }
    child = {
        ("case", "children", k, name)
        for k in range(children)
        for name in PII_CHILD_FIELDS
    }
    return party | child


@pytest.mark.parametrize(
    ("client", "token_scope"),
    [
        pytest.param("BARE", ALL, id="token-grants-share-does-not"),
        pytest.param("FULL", "case:read fti:read", id="share-grants-token-does-not"),
    ],
)
async def test_personal_data_needs_both_the_token_and_the_share(
    engine: AsyncEngine, issuer: TestIssuer, client: str, token_scope: str
) -> None:
    async with engine.begin() as conn:
        world = await scoped_world(conn, issuer.url)
    token = r.partner_token(issuer, client, token_scope)

    async with running_api(engine, issuer.url) as api:
        response = await api.post(SCOPED, token, n=world.case.number)

    # then each personal field is null with a FORBIDDEN error naming pii:read
    assert response.status_code == 200
    body = response.json()
    assert _forbidden_paths(body) == _pii_paths(people=2, children=1)
    case = body["data"]["case"]
    for participant in case["participants"]:
        party = participant["party"]
        assert all(party[name] is None for name in PII_PARTY_FIELDS)
        # and the rest of the graph still answers
        assert party["firstName"]
        assert party["lastName"]
        assert party["familyViolenceIndicator"] is False
    assert case["children"] == [
        {"firstName": "Cody", "dateOfBirth": None, "addressLine1": None}
    ]
    assert case["orders"][0]["payments"]["nodes"][0]["amount"] == "400.00"


async def test_both_granting_personal_data_reads_it(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await scoped_world(conn, issuer.url)
    token = r.partner_token(issuer, "FULL", "case:read pii:read")

    async with running_api(engine, issuer.url) as api:
        case = (await api.query(SCOPED, token, n=world.case.number))["case"]

    (obligor,) = [p["party"] for p in case["participants"] if p["role"] == "OBLIGOR"]
    assert obligor["maskedSsn"].startswith("***-**-")
    assert obligor["dateOfBirth"] == "1985-03-14"
    assert obligor["phone"] == "512-555-0199"
    assert obligor["mailingAddress"]["city"] == "Austin"
    assert obligor["employments"] == [{"employerName": "Acme Widgets"}]
    assert case["children"] == [
        {"firstName": "Cody", "dateOfBirth": "2016-06-06", "addressLine1": "9 Oak Ave"}
    ]


@pytest.mark.parametrize(
    ("client", "token_scope", "shown"),
    [
        pytest.param("FULL", ALL, "FEDERAL_TAX_OFFSET", id="both"),
        pytest.param("BARE", ALL, "TAX_OFFSET", id="token-grants-share-does-not"),
        pytest.param(
            "FULL", "case:read pii:read", "TAX_OFFSET", id="share-grants-token-does-not"
        ),
    ],
)
async def test_federal_tax_information_needs_both_the_token_and_the_share(
    engine: AsyncEngine, issuer: TestIssuer, client: str, token_scope: str, shown: str
) -> None:
    async with engine.begin() as conn:
        world = await scoped_world(conn, issuer.url)
    token = r.partner_token(issuer, client, token_scope)

    async with running_api(engine, issuer.url) as api:
        data = await api.query(SOURCES, token, n=world.case.number)

    assert data["case"]["orders"][0]["payments"]["nodes"] == [{"source": shown}]


@pytest.mark.parametrize("client", ["PII-ONLY", "FTI-ONLY"])
async def test_a_share_without_case_read_gives_nothing(
    engine: AsyncEngine, issuer: TestIssuer, client: str
) -> None:
    # given shares granting personal data (and tax information) but not the case
    async with engine.begin() as conn:
        world = await scoped_world(conn, issuer.url)
    token = r.partner_token(issuer, client, ALL)
    case = world.case

    async with running_api(engine, issuer.url) as api:
        # then the case answers like one that does not exist, by every route
        for query, variables, missing in (
            (CASE_NUMBER, {"n": case.number}, {"n": "7299999999"}),
            (
                NODE,
                {"id": ids.encode("Case", case.case_id)},
                {"id": ids.encode("Case", 10**12)},
            ),
            (
                NODE,
                {"id": ids.encode("Order", case.order_id)},
                {"id": ids.encode("Order", 10**12)},
            ),
            (
                NODE,
                {"id": ids.encode("Party", case.party_ids[0])},
                {"id": ids.encode("Party", 10**12)},
            ),
        ):
            hidden = await api.post(query, token, **variables)
            gone = await api.post(query, token, **missing)
            assert hidden.content == gone.content
            assert "null" in hidden.text
        assert await api.query(CASES, token) == {"cases": {"nodes": []}}
    # and each request was recorded as a partner request that read no case
    rows = await r.audit_rows(engine)
    assert len(rows) == 9
    assert {
        (row["action"], row["case_id"], row["object_id"], tuple(row["fields"]))
        for row in rows
    } == {("partner_read", None, None, ())}


CHILDREN = """
query($n: String!) {
  case(number: $n) {
    participants { role party { dateOfBirth } }
    children { firstName dateOfBirth }
  }
}
"""


async def test_a_childs_details_need_pii_read_on_the_case_read_through(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a child on two cases: one shared with personal data but not the
    # case itself (which gives nothing), the other shared without personal data
    async with engine.begin() as conn:
        agency = await r.partner(conn, code="OK-CSS")
        await r.link_agency(conn, issuer.url, "OK-CSS", agency)
        office = await f.agency(conn)
        cases = []
        for number, scopes in (
            ("7300000001", ["pii:read"]),
            ("7300000002", ["case:read"]),
        ):
            case_id = await f.case(conn, office, None, case_number=number)
            parent = await f.party(conn)
            await r.on_case(conn, case_id, parent, "obligee")
            await r.share(conn, agency, case_id, scopes)
            cases.append(case_id)
        await r.child(conn, cases, first_name="Zoe", date_of_birth=date(2018, 8, 8))
    token = r.partner_token(issuer, "OK-CSS", ALL)

    # when the partner reads the second case
    async with running_api(engine, issuer.url) as api:
        response = await api.post(CHILDREN, token, n="7300000002")

    # then the child's details are refused like the parent's, naming pii:read
    body = response.json()
    assert body["data"]["case"]["participants"][0]["party"]["dateOfBirth"] is None
    assert body["data"]["case"]["children"] == [
        {"firstName": "Zoe", "dateOfBirth": None}
    ]
    assert _forbidden_paths(body) == {
        ("case", "participants", 0, "party", "dateOfBirth"),
        ("case", "children", 0, "dateOfBirth"),
    }
