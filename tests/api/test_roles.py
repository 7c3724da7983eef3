"""Who reaches what: parents, caseworkers and partner agencies, and everything
outside their reach answering exactly like something that does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import roles as r
from tests.support.api import Api, running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer

CASE = """
query($n: String!) {
  case(number: $n) {
    caseNumber myRole
    otherParty { firstName }
    participants { role party { firstName } }
    hearings { location }
    messageThreads { id }
    auditTrail { nodes { action } }
  }
}
"""
CASE_NUMBER = "query($n: String!) { case(number: $n) { id caseNumber status } }"
NODE = """
query($id: ID!) {
  node(id: $id) {
    id
    ... on Case { caseNumber }
    ... on Order { orderNumber }
    ... on Payment { amount }
    ... on Party { firstName }
    ... on MessageThread { subject }
  }
}
"""
VIEWER = "{ viewer { firstName } }"
CASES = """
query($first: Int, $after: String, $filter: CaseFilter) {
  cases(first: $first, after: $after, filter: $filter) {
    nodes { caseNumber }
    pageInfo { hasNextPage endCursor }
  }
}
"""
BOTH_ROLES = """
{
  viewer { cases { nodes { caseNumber myRole otherParty { firstName } } } }
  cases { nodes { caseNumber myRole } }
}
"""

MISSING_PK = 10**12
NODE_TYPES = ("Case", "Order", "Payment", "Party", "MessageThread")
PARTNER_CLIENTS = {"p_shared": "OK-CSS", "p_none": "NM-CSS", "p_revoked": "AR-CSS"}

#: The cases each principal reaches (keys of ``World.cases``).
REACH: dict[str, set[str]] = {
    "mia": {"c1", "c2"},  # obligor on c1, obligee on c2
    "ned": {"c1"},
    "wa": {"c1", "c2", "c4"},  # staff of office A, which runs c1, c2, c4
    "wc": {"c2"},  # staff of office C, assigned to c2
    "wb": {"c3"},  # staff of office B, which runs c3 only
    "p_shared": {"c1", "c4"},
    "p_none": set(),
    "p_revoked": set(),  # its share of c1 was revoked yesterday
}
PARENTS = {"mia", "ned"}
STAFF = {"wa", "wb", "wc"}


@dataclass
class World:
    """Four cases in three offices, their people, and what hangs off them."""

    cases: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)
    payments: dict[str, int] = field(default_factory=dict)
    parties: dict[str, int] = field(default_factory=dict)
    #: case key -> party name on it.
    people: dict[str, set[str]] = field(default_factory=dict)
    #: thread id -> (case key, owner name).
    threads: dict[int, tuple[str, str]] = field(default_factory=dict)
    roles: dict[tuple[str, str], str] = field(default_factory=dict)


async def build_world(conn: AsyncConnection, issuer: str) -> World:
    world = World()
    office_a = await f.agency(conn, county="Travis")
    office_b = await f.agency(conn, county="Bexar")
    office_c = await f.agency(conn, county="Hays")
    wa = await f.staff(conn, office_a)
    wb = await f.staff(conn, office_b)
    wc = await f.staff(conn, office_c)
    names = ("Mia", "Ned", "Olga", "Pete", "Quinn", "Rex", "Sue")
    for name in names:
        world.parties[name] = await f.party(
            conn, first_name=name, last_name=f"{name}son"
        )
    plan = [
        # key, office, caseworker, status, updated, obligor, obligee
        ("c1", office_a, wa, "open", date(2025, 1, 10), "Mia", "Ned"),
        ("c2", office_a, wc, "pending", date(2025, 3, 10), "Olga", "Mia"),
        ("c3", office_b, wb, "closed", date(2025, 5, 10), "Pete", "Quinn"),
        ("c4", office_a, None, "open", date(2025, 6, 10), "Rex", "Sue"),
    ]
    for n, (key, office, worker, status, updated, payer, payee) in enumerate(plan, 1):
        number = f"61000000{n:02d}"
        case_id = await f.case(
            conn,
            office,
            worker,
            case_number=number,
            status=status,
            closed_on=date(2025, 5, 1) if status == "closed" else None,
            updated_at=datetime(updated.year, updated.month, updated.day, tzinfo=UTC),
        )
        world.cases[key], world.numbers[key] = case_id, number
        world.people[key] = {payer, payee}
        for name, role in ((payer, "obligor"), (payee, "obligee")):
            await r.on_case(conn, case_id, world.parties[name], role)
            world.roles[(key, name)] = role.upper()
        order = await f.order(conn, case_id)
        world.orders[key] = order
        world.payments[key] = await f.payment(conn, order, world.parties[payer])
        await f.add(
            conn,
            m.Hearing,
            case_id=case_id,
            kind="court_hearing",
            status="scheduled",
            scheduled_at=datetime(2030, 1, 1, 9, tzinfo=UTC),
            location=f"Courtroom {n}",
            description="Review",
        )
        owned = await r.thread(conn, world.parties[payee], case_id)
        world.threads[owned] = (key, payee)
    mias = await r.thread(conn, world.parties["Mia"], world.cases["c1"])
    world.threads[mias] = ("c1", "Mia")

    p_shared = await r.partner(conn, code="OK-CSS")
    p_none = await r.partner(conn, code="NM-CSS")
    p_revoked = await r.partner(conn, code="AR-CSS")
    await r.share(conn, p_shared, world.cases["c1"], ["case:read", "pii:read"])
    await r.share(conn, p_shared, world.cases["c4"], ["case:read"])
    yesterday = date.today() - timedelta(days=1)
    await r.share(
        conn,
        p_revoked,
        world.cases["c1"],
        ["case:read", "pii:read"],
        revoked_on=yesterday,
    )

    await link(conn, issuer, "mia", world.parties["Mia"])
    await link(conn, issuer, "ned", world.parties["Ned"])
    for subject, staff_id in (("wa", wa), ("wb", wb), ("wc", wc)):
        await r.link_staff(conn, issuer, subject, staff_id)
    for key, agency_id in (
        ("p_shared", p_shared),
        ("p_none", p_none),
        ("p_revoked", p_revoked),
    ):
        await r.link_agency(conn, issuer, PARTNER_CLIENTS[key], agency_id)
    return world


def token_for(issuer: TestIssuer, who: str) -> str:
    if who in PARTNER_CLIENTS:
        return r.partner_token(issuer, PARTNER_CLIENTS[who])
    return issuer.mint(who)


def reachable_nodes(world: World, who: str) -> dict[str, set[int]]:
    """Primary keys per node type that ``who`` may reach."""
    cases = REACH[who]
    people = {name for key in cases for name in world.people[key]}
    if who in PARENTS:
        people.add(who.title())
    if who in PARENTS:
        threads = {t for t, (_, owner) in world.threads.items() if owner.lower() == who}
    elif who in STAFF:
        threads = {t for t, (key, _) in world.threads.items() if key in cases}
    else:
        threads = set()
    return {
        "Case": {world.cases[k] for k in cases},
        "Order": {world.orders[k] for k in cases},
        "Payment": {world.payments[k] for k in cases},
        "Party": {world.parties[name] for name in people},
        "MessageThread": threads,
    }


def every_node(world: World) -> dict[str, set[int]]:
    return {
        "Case": set(world.cases.values()),
        "Order": set(world.orders.values()),
        "Payment": set(world.payments.values()),
        "Party": set(world.parties.values()),
        "MessageThread": set(world.threads),
    }


async def counted(api: Api, query: str, token: str, **variables: Any) -> Any:
    """The response and the number of SQL statements it cost."""
    api.counter.reset()
    response = await api.post(query, token, **variables)
    return response, api.counter.count


@pytest.mark.parametrize("who", sorted(REACH))
async def test_each_principal_reaches_its_cases_and_nothing_else(
    engine: AsyncEngine, issuer: TestIssuer, who: str
) -> None:
    # given four cases in three offices, two partner agencies with shares (one
    # revoked) and one without
    async with engine.begin() as conn:
        world = await build_world(conn, issuer.url)
    token = token_for(issuer, who)
    reach = reachable_nodes(world, who)

    async with running_api(engine, issuer.url) as api:
        # when the principal asks for every case by number, and one that
        # does not exist (asked twice: a parent's principal is remembered
        # after the first request, which reads the login's link)
        await counted(api, CASE_NUMBER, token, n="6199999999")
        missing, missing_count = await counted(api, CASE_NUMBER, token, n="6199999999")
        assert missing.status_code == 200
        assert missing.content == b'{"data":{"case":null}}'
        for key, number in world.numbers.items():
            response, count = await counted(api, CASE_NUMBER, token, n=number)
            if key in REACH[who]:
                # then its own cases answer
                assert response.json()["data"]["case"]["caseNumber"] == number
            else:
                # and every other one is byte for byte, statement for
                # statement, a case that does not exist
                assert response.status_code == 200
                assert response.content == missing.content, (who, key)
                assert count == missing_count, (who, key)

        # when it forges node ids of every type
        for type_name, pks in every_node(world).items():
            gone, gone_count = await counted(
                api, NODE, token, id=ids.encode(type_name, MISSING_PK)
            )
            assert gone.content == b'{"data":{"node":null}}'
            for pk in sorted(pks):
                global_id = ids.encode(type_name, pk)
                response, count = await counted(api, NODE, token, id=global_id)
                if pk in reach[type_name]:
                    assert response.json()["data"]["node"]["id"] == global_id, (
                        who,
                        type_name,
                        pk,
                    )
                else:
                    assert response.content == gone.content, (who, type_name, pk)
                    assert count == gone_count, (who, type_name, pk)

        # and the page of cases lists exactly the reachable ones
        page = await api.query(CASES, token, first=100)
        listed = [n["caseNumber"] for n in page["cases"]["nodes"]]
        assert listed == sorted(world.numbers[k] for k in REACH[who])

        # viewer is for parents only
        viewer = (await api.query(VIEWER, token))["viewer"]
        if who in PARENTS:
            assert viewer == {"firstName": who.title()}
        else:
            assert viewer is None


@pytest.mark.parametrize("who", sorted(REACH))
async def test_what_each_principal_reads_of_a_case(
    engine: AsyncEngine, issuer: TestIssuer, who: str
) -> None:
    async with engine.begin() as conn:
        world = await build_world(conn, issuer.url)
    token = token_for(issuer, who)
    async with running_api(engine, issuer.url) as api:
        for key in sorted(REACH[who]):
            # when the principal reads a case it reaches
            data = (await api.query(CASE, token, n=world.numbers[key]))["case"]
            people = sorted(world.people[key])
            threads = sorted(
                ids.encode("MessageThread", t)
                for t, (case_key, owner) in world.threads.items()
                if case_key == key
                and (who in STAFF or (who in PARENTS and owner.lower() == who))
            )

            # then everyone on it sees the participants' names
            assert sorted(p["party"]["firstName"] for p in data["participants"]) == (
                people
            )
            assert sorted(t["id"] for t in data["messageThreads"]) == threads
            if who in PARENTS:
                # parents: their role, the other parent, hearings, own threads
                mine = world.roles[(key, who.title())]
                assert data["myRole"] == mine
                (other,) = set(people) - {who.title()}
                assert data["otherParty"] == {"firstName": other}
                assert data["hearings"] == [{"location": f"Courtroom {key[1]}"}]
                assert data["auditTrail"] is None
            elif who in STAFF:
                # caseworkers: no parent's view, but hearings and the trail
                assert (data["myRole"], data["otherParty"]) == (None, None)
                assert data["hearings"] == [{"location": f"Courtroom {key[1]}"}]
                assert data["auditTrail"] is not None
            else:
                # partners: the case, without hearings, threads or trail
                assert (data["myRole"], data["otherParty"]) == (None, None)
                assert data["hearings"] == []
                assert data["auditTrail"] is None


async def test_cases_page_filters_and_pages_within_reach(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build_world(conn, issuer.url)
    num = world.numbers

    async with running_api(engine, issuer.url) as api:

        async def numbers(who: str, **variables: Any) -> list[str]:
            data = await api.query(CASES, token_for(issuer, who), **variables)
            return [n["caseNumber"] for n in data["cases"]["nodes"]]

        # the office's caseworker: by status (c3, closed, is another office's)
        assert await numbers("wa", filter={"status": "OPEN"}) == [num["c1"], num["c4"]]
        assert await numbers("wa", filter={"status": "PENDING"}) == [num["c2"]]
        assert await numbers("wa", filter={"status": "CLOSED"}) == []
        # by county of the office running the case
        everything = [num["c1"], num["c2"], num["c4"]]
        assert await numbers("wa", filter={"county": "Travis"}) == everything
        assert await numbers("wa", filter={"county": "travis "}) == everything
        assert await numbers("wa", filter={"county": "Bexar"}) == []
        assert await numbers("wc", filter={"county": "Travis"}) == [num["c2"]]
        assert await numbers("wb", filter={"county": "Bexar"}) == [num["c3"]]
        # by case number: an unreachable one finds nothing
        assert await numbers("wa", filter={"caseNumber": num["c2"]}) == [num["c2"]]
        assert await numbers("wa", filter={"caseNumber": num["c3"]}) == []
        # by part of a participant's name
        assert await numbers("wa", filter={"participantName": "mia mia"}) == [
            num["c1"],
            num["c2"],
        ]
        assert await numbers("wa", filter={"participantName": "Pete"}) == []
        assert await numbers("p_shared", filter={"participantName": "Mia"}) == [
            num["c1"]
        ]
        assert await numbers("ned", filter={"participantName": "Olga"}) == []
        assert await numbers("mia", filter={"participantName": "Olga"}) == [num["c2"]]
        # by last change
        since = {"updatedSince": "2025-03-01T00:00:00+00:00"}
        assert await numbers("wa", filter=since) == [num["c2"], num["c4"]]
        assert await numbers("wb", filter=since) == [num["c3"]]
        assert await numbers("p_shared", filter=since) == [num["c4"]]
        # combined
        assert await numbers(
            "wa", filter={"status": "OPEN", "updatedSince": "2025-03-01T00:00:00Z"}
        ) == [num["c4"]]

        # paging with after
        token = token_for(issuer, "wa")
        first = (await api.query(CASES, token, first=2))["cases"]
        assert [n["caseNumber"] for n in first["nodes"]] == [num["c1"], num["c2"]]
        assert first["pageInfo"]["hasNextPage"] is True
        rest = (
            await api.query(CASES, token, first=2, after=first["pageInfo"]["endCursor"])
        )["cases"]
        assert [n["caseNumber"] for n in rest["nodes"]] == [num["c4"]]
        assert rest["pageInfo"]["hasNextPage"] is False
        # a cursor pointing past a hidden case does not reveal it
        c2_only = await api.query(
            CASES,
            token_for(issuer, "wc"),
            first=1,
            after=first["pageInfo"]["endCursor"],
        )
        assert c2_only["cases"]["nodes"] == []


async def test_a_parent_on_both_sides_sees_both_cases_with_the_right_role(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Mia, who pays on c1 and receives on c2
    async with engine.begin() as conn:
        world = await build_world(conn, issuer.url)

    # when she lists her cases, through viewer and through cases
    async with running_api(engine, issuer.url) as api:
        data = await api.query(BOTH_ROLES, issuer.mint("mia"))

    # then both answer, each with her role on it and the other parent
    assert data["viewer"]["cases"]["nodes"] == [
        {
            "caseNumber": world.numbers["c1"],
            "myRole": "OBLIGOR",
            "otherParty": {"firstName": "Ned"},
        },
        {
            "caseNumber": world.numbers["c2"],
            "myRole": "OBLIGEE",
            "otherParty": {"firstName": "Olga"},
        },
    ]
    assert data["cases"]["nodes"] == [
        {"caseNumber": world.numbers["c1"], "myRole": "OBLIGOR"},
        {"caseNumber": world.numbers["c2"], "myRole": "OBLIGEE"},
    ]


async def test_tokens_without_the_read_scope_and_unlinked_logins_are_refused(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build_world(conn, issuer.url)
    number = world.numbers["c1"]
    refused = [
        # a parent's and a caseworker's token without cases:read
        (issuer.mint("mia", scope="openid"), "cases:read"),
        (issuer.mint("wa", scope="openid profile"), "cases:read"),
        # a partner's token without case:read (pii:read alone reads nothing)
        (r.partner_token(issuer, "OK-CSS", "pii:read fti:read"), "case:read"),
        # a partner's token carrying the people's scope instead
        (r.partner_token(issuer, "OK-CSS", "cases:read"), "case:read"),
    ]
    async with running_api(engine, issuer.url) as api:
        for token, scope in refused:
            for query, variables in (
                (CASE_NUMBER, {"n": number}),
                (NODE, {"id": ids.encode("Case", world.cases["c1"])}),
                (CASES, {}),
                (VIEWER, {}),
            ):
                response = await api.post(query, token, **variables)
                assert response.status_code == 403, (scope, query)
                body = response.json()
                assert "data" not in body
                (error,) = body["errors"]
                assert error["extensions"] == {"code": "FORBIDDEN", "scope": scope}
                assert "insufficient_scope" in response.headers["www-authenticate"]
            # the help pages still answer
            assert (await api.post("{ glossary { term } }", token)).status_code == 200

        # a valid login linked to nobody may only link its account
        unlinked = issuer.mint("someone-new")
        for query, variables in (
            (CASE_NUMBER, {"n": number}),
            (NODE, {"id": ids.encode("Party", world.parties["Mia"])}),
            (CASES, {}),
            (VIEWER, {}),
        ):
            response = await api.post(query, unlinked, **variables)
            assert response.status_code == 403
            body = response.json()
            assert "data" not in body
            assert body["errors"][0]["extensions"]["code"] == "ACCOUNT_NOT_LINKED"
        assert (await api.post("{ faq { question } }", unlinked)).status_code == 200
