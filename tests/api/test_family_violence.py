"""A protected person's whereabouts never leave: every path a caller may walk,
searched for her details in the raw response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import roles as r
from tests.support.api import Api, running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer

WALK = """
query Walk($first: String!, $second: String!, $her: ID!, $case: ID!) {
  viewer {
    firstName dateOfBirth maskedSsn phone email
    mailingAddress { line1 city postalCode }
    employments { employerName }
    healthInsurance { carrier coveredChildren { ...ChildParts } }
    cases(first: 10) { nodes { ...CaseParts } }
  }
  first: case(number: $first) { ...CaseParts }
  second: case(number: $second) { ...CaseParts }
  her: node(id: $her) { ... on Party { ...PartyParts } }
  theCase: node(id: $case) { ... on Case { ...CaseParts } }
  cases(first: 20) { nodes { ...CaseParts } }
  byName: cases(filter: { participantName: "Rosa" }) { nodes { caseNumber } }
}

fragment PartyParts on Party {
  id firstName lastName dateOfBirth maskedSsn phone email familyViolenceIndicator
  mailingAddress { line1 line2 city state postalCode }
  employments { employerName addressLine1 city phone }
}

fragment ChildParts on Child {
  firstName lastName dateOfBirth expectedEmancipationDate
  addressLine1 city state postalCode
}

fragment CaseParts on Case {
  caseNumber myRole
  participants { role party { ...PartyParts } }
  otherParty { ...PartyParts }
  children { ...ChildParts }
  activities { code description }
  documents { kind title }
  orders { payments(first: 20) { nodes { source disbursements { amount } } } }
}
"""

#: Everything that would tell someone where she is, or who she is.
HER_SECRETS = (
    "Safe House",
    "Shelterville",
    "73399",
    "555-0142",
    "hidden@safe.example",
    "Refuge Employer",
    "1990-07-07",
    "9911",
)
#: Her child lives with her: the child's details say where she is.
CHILD_SECRETS = ("2017-03-03", "2035-03-03")
#: Case records that say she moved.
LOCATION_SECRETS = ("Change of address recorded", "Change of Address Form")
SECRETS = HER_SECRETS + CHILD_SECRETS + LOCATION_SECRETS
#: The other obligee's child: never for the paying parent either.
OTHER_CHILD = ("2014-04-04", "22 Maple Ln", "2032-04-04")

FIRST, SECOND = "8100000001", "8100000002"


@dataclass(frozen=True)
class Walk:
    rosa: int
    first_case: int
    indicator: int

    def variables(self) -> dict[str, Any]:
        return {
            "first": FIRST,
            "second": SECOND,
            "her": ids.encode("Party", self.rosa),
            "case": ids.encode("Case", self.first_case),
        }


async def build(conn: AsyncConnection, issuer: str) -> Walk:
    office = await f.agency(conn)
    elsewhere = await f.agency(conn, county="Bexar")
    worker = await f.staff(conn, office)
    stranger = await f.staff(conn, elsewhere)
    rosa = await f.party(
        conn,
        first_name="Rosa",
        last_name="Delgado",
        date_of_birth=date(1990, 7, 7),
        ssn_last4="9911",
        address_line1="1 Safe House Rd",
        city="Shelterville",
        postal_code="73399",
        phone="555-0142",
        email="hidden@safe.example",
    )
    indicator = await r.protect(conn, rosa, worker)
    refuge = await f.add(conn, m.Employer, name="Refuge Employer Inc", phone="555-0143")
    await f.add(
        conn,
        m.Employment,
        party_id=rosa,
        employer_id=refuge,
        start_date=date(2023, 1, 1),
    )
    marcus = await f.party(conn, first_name="Marcus", last_name="Reyes")
    dana = await f.party(conn, first_name="Dana", last_name="Whitfield")

    first = await f.case(conn, office, worker, case_number=FIRST)
    second = await f.case(conn, office, worker, case_number=SECOND)
    await r.on_case(conn, first, marcus, "obligor")
    await r.on_case(conn, first, rosa, "obligee")
    await r.on_case(conn, second, marcus, "obligor")
    await r.on_case(conn, second, dana, "obligee")
    lily = await r.child(
        conn,
        [first],
        first_name="Lily",
        date_of_birth=date(2017, 3, 3),
        expected_emancipation_date=date(2035, 3, 3),
        address_line1="1 Safe House Rd",
        city="Shelterville",
        postal_code="73399",
    )
    ben = await r.child(
        conn,
        [second],
        first_name="Ben",
        date_of_birth=date(2014, 4, 4),
        expected_emancipation_date=date(2032, 4, 4),
        address_line1="22 Maple Ln",
    )
    for order_case in (first, second):
        order = await f.order(conn, order_case)
        await f.payment(conn, order, marcus)

    for code, text, reveals in (
        ("order_entered", "Support order entered", False),
        ("address_change", "Change of address recorded", True),
    ):
        await f.add(
            conn,
            m.CaseActivity,
            case_id=first,
            occurred_at=datetime(2025, 2, 1, tzinfo=UTC),
            code=code,
            description=text,
            discloses_location=reveals,
        )
    for kind, title, reveals in (
        ("notice", "Notice of Hearing", False),
        ("form", "Change of Address Form", True),
    ):
        await f.add(
            conn,
            m.CaseDocument,
            case_id=first,
            kind=kind,
            title=title,
            sent_on=date(2025, 2, 2),
            discloses_location=reveals,
        )

    policy = await f.add(
        conn,
        m.InsurancePolicy,
        holder_party_id=marcus,
        carrier="Blue Plan",
        policy_number="XK-0042-7781",
        coverage_type="medical",
        start_date=date(2024, 1, 1),
    )
    for covered in (lily, ben):
        await f.add(conn, m.InsuranceCoverage, policy_id=policy, child_id=covered)

    partner = await r.partner(conn, code="OK-CSS")
    await r.share(conn, partner, first, ["case:read", "pii:read", "fti:read"])
    await r.share(conn, partner, second, ["case:read", "pii:read", "fti:read"])

    await link(conn, issuer, "marcus", marcus)
    await link(conn, issuer, "rosa", rosa)
    await link(conn, issuer, "dana", dana)
    await r.link_staff(conn, issuer, "worker", worker)
    await r.link_staff(conn, issuer, "stranger", stranger)
    await r.link_agency(conn, issuer, "OK-CSS", partner)
    return Walk(rosa, first, indicator)


def tokens(issuer: TestIssuer) -> dict[str, str]:
    return {
        "marcus": issuer.mint("marcus"),
        "rosa": issuer.mint("rosa"),
        "dana": issuer.mint("dana"),
        "worker": issuer.mint("worker"),
        "stranger": issuer.mint("stranger"),
        "partner": r.partner_token(issuer, "OK-CSS"),
    }


async def walk(api: Api, token: str, world: Walk) -> httpx.Response:
    response = await api.post(WALK, token, **world.variables())
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    return response


def found(response: httpx.Response, secrets: tuple[str, ...]) -> list[str]:
    return [secret for secret in secrets if secret in response.text]


async def test_nothing_of_hers_reaches_the_obligor_the_partner_or_a_stranger(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a protected obligee, her child, the obligor on her case and on
    # another, location-revealing records, the obligor's insurance covering
    # her child, a partner granted everything, and a caseworker elsewhere
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    token = tokens(issuer)

    async with running_api(engine, issuer.url) as api:
        # when each walks every path to her
        marcus = await walk(api, token["marcus"], world)
        partner = await walk(api, token["partner"], world)
        stranger = await walk(api, token["stranger"], world)
        worker = await walk(api, token["worker"], world)
        rosa = await walk(api, token["rosa"], world)

    # then nothing of hers is anywhere in what the obligor, the partner or the
    # other office's caseworker got
    assert found(marcus, SECRETS) == []
    assert found(partner, SECRETS) == []
    assert found(stranger, SECRETS) == []
    # though the walks did reach her case, her name and the harmless records
    for response in (marcus, partner):
        data = response.json()["data"]
        assert data["first"]["caseNumber"] == FIRST
        assert data["her"]["firstName"] == "Rosa"
        assert data["theCase"]["caseNumber"] == FIRST
        assert data["byName"]["nodes"] == [{"caseNumber": FIRST}]
        assert data["first"]["activities"] == [
            {"code": "order_entered", "description": "Support order entered"}
        ]
        assert data["first"]["documents"] == [
            {"kind": "NOTICE", "title": "Notice of Hearing"}
        ]
        assert [c["firstName"] for c in data["first"]["children"]] == ["Lily"]
    marcus_data = marcus.json()["data"]
    assert marcus_data["first"]["otherParty"]["firstName"] == "Rosa"
    assert [c["caseNumber"] for c in marcus_data["viewer"]["cases"]["nodes"]] == [
        FIRST,
        SECOND,
    ]
    covered = marcus_data["viewer"]["healthInsurance"][0]["coveredChildren"]
    assert [c["firstName"] for c in covered] == ["Lily", "Ben"]
    # the partner knows she is protected, and reads the obligor's details
    partner_data = partner.json()["data"]
    assert partner_data["viewer"] is None
    people = {p["role"]: p["party"] for p in partner_data["first"]["participants"]}
    assert people["OBLIGEE"]["familyViolenceIndicator"] is True
    assert people["OBLIGEE"]["mailingAddress"] is None
    assert people["OBLIGOR"]["maskedSsn"].startswith("***-**-")
    # the stranger reaches nothing at all
    assert stranger.json()["data"] == {
        "viewer": None,
        "first": None,
        "second": None,
        "her": None,
        "theCase": None,
        "cases": {"nodes": []},
        "byName": {"nodes": []},
    }

    # while her caseworker, and she herself, see all of it
    assert found(worker, SECRETS) == list(SECRETS)
    assert found(rosa, SECRETS) == list(SECRETS)


async def test_no_childs_details_reach_the_paying_parent(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given the obligor's second case, whose obligee is not protected
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    token = tokens(issuer)

    async with running_api(engine, issuer.url) as api:
        marcus = await walk(api, token["marcus"], world)
        dana = await walk(api, token["dana"], world)

    # then that child's details reach her mother, never him
    assert found(marcus, OTHER_CHILD) == []
    assert found(dana, OTHER_CHILD) == list(OTHER_CHILD)
    second = marcus.json()["data"]["second"]
    assert second["children"] == [
        {
            "firstName": "Ben",
            "lastName": "Kid",
            "dateOfBirth": None,
            "expectedEmancipationDate": None,
            "addressLine1": None,
            "city": None,
            "state": None,
            "postalCode": None,
        }
    ]


async def _order_disclosure(engine: AsyncEngine, indicator: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(m.FamilyViolenceIndicator)
            .where(m.FamilyViolenceIndicator.id == indicator)
            .values(
                disclosure_ordered_on=date(2025, 3, 1),
                disclosure_court="District Court No. 3",
            )
        )


async def test_a_disclosure_order_lets_the_partner_read_her_address(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    token = tokens(issuer)

    # given a court ordered her details disclosed
    await _order_disclosure(engine, world.indicator)
    async with running_api(engine, issuer.url) as api:
        partner = await walk(api, token["partner"], world)
        marcus = await walk(api, token["marcus"], world)

    # then the partner reads her address, and still knows of the indicator
    people = {
        p["role"]: p["party"] for p in partner.json()["data"]["first"]["participants"]
    }
    assert people["OBLIGEE"]["mailingAddress"]["line1"] == "1 Safe House Rd"
    assert people["OBLIGEE"]["dateOfBirth"] == "1990-07-07"
    assert people["OBLIGEE"]["familyViolenceIndicator"] is True
    assert found(partner, HER_SECRETS) == list(HER_SECRETS)
    # while the obligor still reads nothing of hers or of her child
    assert found(marcus, HER_SECRETS + CHILD_SECRETS) == []


async def test_a_disclosure_order_does_not_show_the_obligor_where_she_moved(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        world = await build(conn, issuer.url)
    await _order_disclosure(engine, world.indicator)

    async with running_api(engine, issuer.url) as api:
        marcus = await walk(api, tokens(issuer)["marcus"], world)

    assert found(marcus, LOCATION_SECRETS) == []
