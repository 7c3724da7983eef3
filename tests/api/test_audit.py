"""The audit log as the API writes it: who read which case and whose personal
data, one INSERT per request before the response, and the trail caseworkers
read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loaders import ids
from tests.support import factories as f
from tests.support import roles as r
from tests.support.api import running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer

PEOPLE = """
query($n: String!) {
  case(number: $n) {
    caseNumber
    participants { role party { firstName maskedSsn dateOfBirth phone } }
  }
}
"""
EVERYTHING = """
query($first: String!, $second: String!) {
  first: case(number: $first) { ...Parts }
  second: case(number: $second) { ...Parts }
}
fragment Parts on Case {
  participants {
    party {
      firstName maskedSsn dateOfBirth phone email
      mailingAddress { line1 } employments { employerName }
    }
  }
  children { firstName dateOfBirth addressLine1 city }
}
"""
OWN = """
query($n: String!) {
  viewer {
    firstName dateOfBirth maskedSsn phone email mailingAddress { line1 }
    employments { employerName }
    cases { nodes { caseNumber } }
  }
  case(number: $n) {
    myRole
    otherParty { firstName lastName }
    participants { role party { firstName lastName maskedSsn dateOfBirth phone } }
  }
}
"""
CHILDREN = """
query($n: String!) { case(number: $n) { children { firstName dateOfBirth } } }
"""
TRAIL = """
query($n: String!, $first: Int, $after: String) {
  case(number: $n) {
    auditTrail(first: $first, after: $after) {
      nodes {
        actorKind actorId agencyId clientId action objectType objectId
        fields outcome requestId
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

FIRST, SECOND = "8200000001", "8200000002"


@dataclass(frozen=True)
class World:
    office: int
    worker: int
    partner: int
    bare_partner: int
    cases: dict[str, int]
    #: case number -> {role: party id}
    people: dict[str, dict[str, int]]
    child: int


async def build(conn: AsyncConnection, issuer: str) -> World:
    office = await f.agency(conn)
    worker = await f.staff(conn, office)
    cases: dict[str, int] = {}
    people: dict[str, dict[str, int]] = {}
    for number in (FIRST, SECOND):
        case_id = await f.case(conn, office, worker, case_number=number)
        cases[number] = case_id
        people[number] = {}
        for role in ("obligor", "obligee"):
            party = await f.party(conn, first_name=f"{role.title()}{number[-1]}")
            await r.on_case(conn, case_id, party, role)
            people[number][role] = party
        await link(conn, issuer, f"obligee-{number}", people[number]["obligee"])
        await link(conn, issuer, f"obligor-{number}", people[number]["obligor"])
    child = await r.child(conn, [cases[FIRST]], date_of_birth=date(2016, 1, 1))
    partner = await r.partner(conn, code="OK-CSS")
    bare = await r.partner(conn, code="NM-CSS")
    await r.share(conn, partner, cases[FIRST], ["case:read", "pii:read"])
    await r.share(conn, bare, cases[FIRST], ["case:read"])
    await r.link_agency(conn, issuer, "OK-CSS", partner)
    await r.link_agency(conn, issuer, "NM-CSS", bare)
    await r.link_staff(conn, issuer, "worker", worker)
    return World(office, worker, partner, bare, cases, people, child)


def summary(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["action"],
        row["case_id"],
        row["object_type"],
        row["object_id"],
        tuple(row["fields"]),
        str(row["outcome"]),
    )


async def test_a_partner_read_is_recorded_with_who_and_what(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    case_id = world.cases[FIRST]
    obligor, obligee = world.people[FIRST]["obligor"], world.people[FIRST]["obligee"]
    token = r.partner_token(issuer, "OK-CSS", "case:read pii:read")

    # when the partner reads the people on a shared case
    async with running_api(engine, issuer.url) as api:
        api.counter.reset()
        response = await api.client.post(
            "/graphql",
            json={"query": PEOPLE, "variables": {"n": FIRST}},
            headers={
                "Authorization": f"Bearer {token}",
                "X-Request-ID": "partner-req-0001",
            },
        )
        statements = api.counter.statements
    assert response.status_code == 200
    assert "errors" not in response.json()

    # then one INSERT wrote a row for the case and one per person read
    assert len(r.audit_inserts(statements)) == 1
    assert response.headers["x-request-id"] == "partner-req-0001"
    rows = await r.audit_rows(engine)
    fields = ("dateOfBirth", "maskedSsn", "phone")
    assert sorted(summary(row) for row in rows) == sorted(
        [
            ("partner_read", case_id, "Case", case_id, (), "allowed"),
            ("read_personal_data", case_id, "Party", obligor, fields, "allowed"),
            ("read_personal_data", case_id, "Party", obligee, fields, "allowed"),
        ]
    )
    # and every row says who asked, as the token and the link said
    for row in rows:
        assert row["actor_kind"] == "agency"
        assert row["actor_id"] == world.partner
        assert row["agency_id"] == world.partner
        assert row["client_id"] == "OK-CSS"
        assert (row["issuer"], row["subject"]) == (issuer.url, "OK-CSS")
        assert row["request_id"] == "partner-req-0001"


async def test_a_partner_refused_personal_data_is_recorded_as_denied(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    case_id = world.cases[FIRST]
    people = world.people[FIRST]
    token = r.partner_token(issuer, "NM-CSS", "case:read pii:read")

    # when a partner whose share grants no personal data asks for it
    async with running_api(engine, issuer.url) as api:
        response = await api.post(PEOPLE, token, n=FIRST)
    errors = r.errors_of(response)
    assert len(errors) == 6
    assert {e["extensions"]["scope"] for e in errors} == {"pii:read"}

    # then the refusals are recorded, per person, with the fields asked for
    rows = await r.audit_rows(engine)
    fields = ("dateOfBirth", "maskedSsn", "phone")
    assert sorted(summary(row) for row in rows) == sorted(
        [
            ("partner_read", case_id, "Case", case_id, (), "allowed"),
            *(
                ("read_personal_data", case_id, "Party", party, fields, "denied")
                for party in people.values()
            ),
        ]
    )
    assert {row["request_id"] for row in rows} == {response.headers["x-request-id"]}
    assert {row["client_id"] for row in rows} == {"NM-CSS"}


async def test_a_caseworker_read_is_one_insert_whatever_was_read(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    token = issuer.mint("worker")

    # when the caseworker reads two cases, four people, seven personal fields
    # each, and a child
    async with running_api(engine, issuer.url) as api:
        api.counter.reset()
        response = await api.post(EVERYTHING, token, first=FIRST, second=SECOND)
        statements = api.counter.statements
    assert "errors" not in response.json()

    # then a single INSERT recorded both case reads and every object read
    assert len(r.audit_inserts(statements)) == 1
    assert statements[-1].lstrip().startswith("INSERT INTO audit_events")
    rows = await r.audit_rows(engine)
    party_fields = (
        "dateOfBirth",
        "email",
        "employments",
        "mailingAddress",
        "maskedSsn",
        "phone",
    )
    child_fields = ("addressLine1", "city", "dateOfBirth")
    expected: list[tuple[Any, ...]] = []
    for number, case_id in world.cases.items():
        expected.append(("read_case", case_id, "Case", case_id, (), "allowed"))
        for party in world.people[number].values():
            expected.append(
                ("read_personal_data", case_id, "Party", party, party_fields, "allowed")
            )
    expected.append(
        (
            "read_personal_data",
            world.cases[FIRST],
            "Child",
            world.child,
            child_fields,
            "allowed",
        )
    )
    assert sorted(summary(row) for row in rows) == sorted(expected)
    for row in rows:
        assert (row["actor_kind"], row["actor_id"]) == ("staff", world.worker)
        assert row["agency_id"] == world.office
        assert row["client_id"] is None
        assert (row["issuer"], row["subject"]) == (issuer.url, "worker")
        assert row["request_id"] == response.headers["x-request-id"]


async def test_a_parent_reading_their_own_side_writes_nothing(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        await build(conn, issuer.url)

    # when each parent reads their own record and the other parent's name
    async with running_api(engine, issuer.url) as api:
        for role in ("obligor", "obligee"):
            token = issuer.mint(f"{role}-{FIRST}")
            api.counter.reset()
            data = await api.query(OWN, token, n=FIRST)
            assert data["viewer"]["maskedSsn"].startswith("***-**-")
            assert data["case"]["otherParty"]["firstName"]
            # then no audit statement ran at all
            assert r.audit_inserts(api.counter.statements) == []
    assert await r.audit_rows(engine) == []


async def test_a_custodians_read_of_the_childs_details_is_not_recorded(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # A custodian reading their own child's details reads data they own (as
    # the child's guardian), like their own record: nothing is recorded.
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)

    async with running_api(engine, issuer.url) as api:
        api.counter.reset()
        data = await api.query(CHILDREN, issuer.mint(f"obligee-{FIRST}"), n=FIRST)
        inserts = r.audit_inserts(api.counter.statements)
    assert data["case"]["children"][0]["dateOfBirth"] == "2016-01-01"
    assert world.child
    assert inserts == []
    assert await r.audit_rows(engine) == []


async def test_the_trail_is_the_caseworkers_only(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    case_id = world.cases[FIRST]
    worker = issuer.mint("worker")

    async with running_api(engine, issuer.url) as api:
        # given a partner's read and a caseworker's read of the case
        partner_read = await api.post(
            PEOPLE, r.partner_token(issuer, "OK-CSS", "case:read pii:read"), n=FIRST
        )
        worker_read = await api.post(PEOPLE, worker, n=FIRST)

        # when the caseworker reads the trail, then the parent and the partner
        trail = (await api.query(TRAIL, worker, n=FIRST))["case"]["auditTrail"]
        parent = await api.query(TRAIL, issuer.mint(f"obligee-{FIRST}"), n=FIRST)
        partner = await api.query(
            TRAIL, r.partner_token(issuer, "OK-CSS", "case:read pii:read"), n=FIRST
        )

        # then the caseworker sees both reads, newest first
        nodes = trail["nodes"]
        assert len(nodes) == 6
        assert [n["requestId"] for n in nodes[:3]] == [
            worker_read.headers["x-request-id"]
        ] * 3
        assert [n["requestId"] for n in nodes[3:]] == [
            partner_read.headers["x-request-id"]
        ] * 3
        partner_case = next(n for n in nodes if n["action"] == "partner_read")
        assert partner_case == {
            "actorKind": "agency",
            "actorId": str(world.partner),
            "agencyId": str(world.partner),
            "clientId": "OK-CSS",
            "action": "partner_read",
            "objectType": "Case",
            "objectId": str(case_id),
            "fields": [],
            "outcome": "allowed",
            "requestId": partner_read.headers["x-request-id"],
        }
        worker_case = next(n for n in nodes if n["action"] == "read_case")
        assert (worker_case["actorKind"], worker_case["actorId"]) == (
            "staff",
            str(world.worker),
        )
        personal = [n for n in nodes if n["action"] == "read_personal_data"]
        assert {tuple(n["fields"]) for n in personal} == {
            ("dateOfBirth", "maskedSsn", "phone")
        }
        # and pages through it (by now the trail and partner reads above are
        # recorded too)
        whole = (await api.query(TRAIL, worker, n=FIRST, first=100))["case"][
            "auditTrail"
        ]
        assert len(whole["nodes"]) == 6 + 2
        first_page = (await api.query(TRAIL, worker, n=FIRST, first=5))["case"][
            "auditTrail"
        ]
        assert first_page["pageInfo"]["hasNextPage"] is True
        rest = (
            await api.query(
                TRAIL,
                worker,
                n=FIRST,
                first=100,
                after=first_page["pageInfo"]["endCursor"],
            )
        )["case"]["auditTrail"]
        assert rest["pageInfo"]["hasNextPage"] is False
        paged = first_page["nodes"] + rest["nodes"]
        # one more: the read of the whole trail just before
        assert paged[1:] == whole["nodes"]
        assert paged[0]["action"] == "read_case"

    # while the parent and the partner get no trail at all
    assert parent == {"case": {"auditTrail": None}}
    assert partner == {"case": {"auditTrail": None}}


async def test_a_childs_details_are_recorded_against_the_case_read_through(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a child on a case of another office and on one of the worker's
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
        elsewhere = await f.agency(conn, county="Bexar")
        other_case = await f.case(conn, elsewhere, None, case_number="8200000009")
        own_case = world.cases[SECOND]
        kid = await r.child(conn, [other_case, own_case], first_name="Zed")

    # when the worker reads the children of its own case
    async with running_api(engine, issuer.url) as api:
        data = await api.query(CHILDREN, issuer.mint("worker"), n=SECOND)
    assert data["case"]["children"] == [
        {"firstName": "Zed", "dateOfBirth": "2015-05-01"}
    ]

    # then the read is recorded against that case
    rows = await r.audit_rows(engine)
    (child_read,) = [row for row in rows if row["object_type"] == "Child"]
    assert (child_read["object_id"], child_read["case_id"]) == (kid, own_case)


ROUTES = """
query($order: ID!) {
  cases { nodes { caseNumber } }
  node(id: $order) { id }
}
"""


async def test_every_route_to_a_case_records_the_read(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
        order = await f.order(conn, world.cases[SECOND])
    variables = {"order": ids.encode("Order", order)}

    # when the caseworker lists its cases and fetches an order by id, and
    # the partner does the same
    async with running_api(engine, issuer.url) as api:
        await api.query(ROUTES, issuer.mint("worker"), **variables)
        partner = await api.query(
            ROUTES, r.partner_token(issuer, "OK-CSS", "case:read"), **variables
        )
    assert partner == {"cases": {"nodes": [{"caseNumber": FIRST}]}, "node": None}

    # then each case reached is recorded once per request, as what it is
    rows = await r.audit_rows(engine)
    assert sorted((row["action"], row["case_id"]) for row in rows) == sorted(
        [
            ("read_case", world.cases[FIRST]),
            ("read_case", world.cases[SECOND]),
            ("partner_read", world.cases[FIRST]),
        ]
    )


BY_ID = """
query($thread: ID!, $person: ID!) {
  thread: node(id: $thread) { ... on MessageThread { subject } }
  person: node(id: $person) { ... on Party { firstName familyViolenceIndicator } }
}
"""


async def test_a_thread_or_a_person_fetched_by_id_records_the_case(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a thread of the obligee's on the first case
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
        obligee = world.people[FIRST]["obligee"]
        thread = await r.thread(conn, obligee, world.cases[FIRST])
    variables = {
        "thread": ids.encode("MessageThread", thread),
        "person": ids.encode("Party", obligee),
    }

    # when the caseworker and the partner fetch them by id
    async with running_api(engine, issuer.url) as api:
        worker = await api.query(BY_ID, issuer.mint("worker"), **variables)
        partner = await api.query(
            BY_ID, r.partner_token(issuer, "OK-CSS", "case:read"), **variables
        )

    # then both reads name the case they were read on
    assert worker["thread"] is not None
    assert worker["person"]["familyViolenceIndicator"] is False
    assert partner["thread"] is None  # threads are not a partner's
    assert partner["person"]["firstName"] == "Obligee1"
    rows = await r.audit_rows(engine)
    assert sorted((row["action"], row["case_id"]) for row in rows) == [
        ("partner_read", world.cases[FIRST]),
        ("read_case", world.cases[FIRST]),
    ]
