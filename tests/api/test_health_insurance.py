"""Reporting a health-insurance policy through the app: stored, read back
only masked, covering only children on the party's cases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from tests.support import contact as c
from tests.support import roles as r
from tests.support.api import Api, running_api
from tests.support.issuer import TestIssuer

REPORT = """
mutation Report($input: ReportHealthInsuranceInput!) {
  reportHealthInsurance(input: $input) {
    insurancePolicy {
      carrier maskedPolicyNumber groupNumber coverageType startDate reportedAt
      coveredChildren { firstName }
    }
    errors { code field message }
  }
}
"""
MY_POLICIES = """
{
  viewer {
    healthInsurance {
      carrier maskedPolicyNumber coverageType reportedAt
      coveredChildren { firstName }
    }
  }
}
"""
POLICY_NUMBER = "xgh 98-12345678"
STORED_NUMBER = "XGH98-12345678"
START = date.today() - timedelta(days=30)


def _policy(world: c.World, **fields: Any) -> dict[str, Any]:
    return {
        "carrier": "Blue Star Health",
        "policyNumber": POLICY_NUMBER,
        "groupNumber": "grp-001",
        "coverageType": "MEDICAL",
        "startDate": START.isoformat(),
        "coveredChildren": [world.child_id(world.ann), world.child_id(world.ben)],
    } | fields


async def _report(api: Api, token: str, policy: dict[str, Any]) -> dict[str, Any]:
    data = await api.query(REPORT, token, input=policy)
    return data["reportHealthInsurance"]  # type: ignore[no-any-return]


def _errors(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def _audits(engine: AsyncEngine) -> list[dict[str, Any]]:
    return [
        row
        for row in await r.audit_rows(engine)
        if row["action"] == "report_health_insurance"
    ]


async def test_a_parent_reports_a_policy_covering_their_children(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        response = await api.post(REPORT, mia, input=_policy(world))
        mine = await api.query(MY_POLICIES, mia)

    # then the policy reads back masked, with the children it covers
    payload = response.json()["data"]["reportHealthInsurance"]
    assert payload["errors"] == []
    policy = payload["insurancePolicy"]
    assert policy["maskedPolicyNumber"] == "****5678"
    assert policy["groupNumber"] == "GRP-001"
    assert policy["reportedAt"] is not None
    assert [child["firstName"] for child in policy["coveredChildren"]] == [
        "Ann",
        "Ben",
    ]
    assert mine["viewer"]["healthInsurance"] == [
        {
            "carrier": "Blue Star Health",
            "maskedPolicyNumber": "****5678",
            "coverageType": "MEDICAL",
            "reportedAt": policy["reportedAt"],
            "coveredChildren": [{"firstName": "Ann"}, {"firstName": "Ben"}],
        }
    ]
    # and the whole number is stored, but never answered
    assert STORED_NUMBER not in response.text
    assert "12345678" not in response.text
    (row,) = await c.rows(engine, m.InsurancePolicy)
    assert (row["holder_party_id"], row["policy_number"]) == (world.mia, STORED_NUMBER)
    coverages = await c.rows(engine, m.InsuranceCoverage)
    assert {x["child_id"] for x in coverages} == {world.ann, world.ben}
    cases = {x["id"]: x["updated_at"] for x in await c.rows(engine, m.Case)}
    assert cases[world.c1] > c.LONG_AGO
    assert await c.outbox(engine) == []
    (audit,) = await _audits(engine)
    assert (audit["outcome"], audit["object_type"], audit["object_id"]) == (
        "succeeded",
        "InsurancePolicy",
        row["id"],
    )
    assert STORED_NUMBER not in str(audit)


async def test_a_retry_is_stored_once_and_another_policy_with_the_number_conflicts(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        first = await _report(api, mia, _policy(world))
        # the same report again, children named twice and in another order
        retry = await _report(
            api,
            mia,
            _policy(
                world,
                coveredChildren=[
                    world.child_id(world.ben),
                    world.child_id(world.ann),
                    world.child_id(world.ann),
                ],
            ),
        )
        before = await c.snapshot(engine)
        other = await _report(api, mia, _policy(world, carrier="Other Carrier"))

    assert first["errors"] == retry["errors"] == []
    assert first["insurancePolicy"] == retry["insurancePolicy"]
    assert _errors(other) == [("CONFLICT", "policyNumber")]
    assert await c.snapshot(engine) == before
    assert len(await c.rows(engine, m.InsurancePolicy)) == 1


async def test_children_must_be_on_the_partys_cases(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    before = await c.snapshot(engine)
    children = [
        world.child_id(world.ann),
        world.child_id(world.dot),  # on Pete and Quinn's case, not Mia's
        world.child_id(10**12),  # no such child
        world.party_id(world.mia),  # not a child's ID
        "garbage",
    ]

    async with running_api(engine, issuer.url) as api:
        payload = await _report(
            api, c.token(issuer, "mia"), _policy(world, coveredChildren=children)
        )

    # each one that is not hers is NOT_FOUND, the same answer as a missing one
    assert _errors(payload) == [
        ("NOT_FOUND", "coveredChildren.1"),
        ("NOT_FOUND", "coveredChildren.2"),
        ("NOT_FOUND", "coveredChildren.3"),
        ("NOT_FOUND", "coveredChildren.4"),
    ]
    assert len({e["message"] for e in payload["errors"]}) == 1
    assert await c.snapshot(engine) == before
    (audit,) = await _audits(engine)
    assert audit["outcome"] == "denied"


async def test_a_caseworker_names_only_children_of_cases_they_reach(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # Cid is on Mia's case c2, run by office B: Mia may name him, the
    # caseworker of office A (acting for Mia through c1) may not
    world = await c.build_world(engine, issuer.url)
    wa = c.token(issuer, "wa")
    for_mia = world.party_id(world.mia)

    async with running_api(engine, issuer.url) as api:
        hidden = await _report(
            api,
            wa,
            _policy(
                world, partyId=for_mia, coveredChildren=[world.child_id(world.cid)]
            ),
        )
        reached = await _report(api, wa, _policy(world, partyId=for_mia))
        own = await _report(
            api,
            c.token(issuer, "mia"),
            _policy(
                world,
                policyNumber="DENT-55555",
                coverageType="DENTAL",
                coveredChildren=[world.child_id(world.cid)],
            ),
        )

    assert _errors(hidden) == [("NOT_FOUND", "coveredChildren.0")]
    assert reached["errors"] == []
    assert own["errors"] == []
    assert own["insurancePolicy"]["coveredChildren"] == [{"firstName": "Cid"}]
    audits = await _audits(engine)
    assert [a["outcome"] for a in audits] == ["denied", "succeeded", "succeeded"]
    assert audits[1]["detail"] == {"for_party": world.mia}
    assert (audits[1]["actor_kind"], audits[1]["actor_id"]) == ("staff", world.wa)


INVALID: dict[str, tuple[dict[str, Any], list[tuple[str, str | None]]]] = {
    "blank carrier": ({"carrier": " "}, [("REQUIRED", "carrier")]),
    "carrier too long": ({"carrier": "c" * 201}, [("INVALID", "carrier")]),
    "policy number too short": (
        {"policyNumber": "1234"},
        [("INVALID", "policyNumber")],
    ),
    "policy number too long": (
        {"policyNumber": "9" * 41},
        [("INVALID", "policyNumber")],
    ),
    "policy number with symbols": (
        {"policyNumber": "ABC$12345"},
        [("INVALID", "policyNumber")],
    ),
    "group number with symbols": (
        {"groupNumber": "G#1234"},
        [("INVALID", "groupNumber")],
    ),
    "start before 1900": ({"startDate": "1850-01-01"}, [("INVALID", "startDate")]),
    "a card number as the policy number": (
        {"policyNumber": "4111111111111111"},
        [("CARD_NUMBER_NOT_ALLOWED", "policyNumber")],
    ),
    "a hidden direction override in the carrier": (
        {"carrier": "Acme\u202eHealth"},
        [("INVALID", "carrier")],
    ),
    "start years ahead": (
        {"startDate": (date.today() + timedelta(days=800)).isoformat()},
        [("INVALID", "startDate")],
    ),
}


@pytest.mark.parametrize("kind", INVALID)
async def test_invalid_policies_are_refused_and_nothing_is_written(
    engine: AsyncEngine, issuer: TestIssuer, kind: str
) -> None:
    world = await c.build_world(engine, issuer.url)
    fields, expected = INVALID[kind]
    before = await c.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        payload = await _report(api, c.token(issuer, "mia"), _policy(world, **fields))

    assert payload["insurancePolicy"] is None
    assert _errors(payload) == expected
    assert await c.snapshot(engine) == before
    (audit,) = await _audits(engine)
    assert audit["outcome"] == "failed"


async def test_more_than_twenty_children_are_refused(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    async with running_api(engine, issuer.url) as api:
        payload = await _report(
            api,
            c.token(issuer, "mia"),
            _policy(world, coveredChildren=[world.child_id(world.ann)] * 21),
        )
    assert _errors(payload) == [("INVALID", "coveredChildren")]
    assert await c.rows(engine, m.InsurancePolicy) == []


REFUSED: dict[str, tuple[str, str, tuple[str, str | None]]] = {
    "another parent naming Mia": ("ned", "mia", ("NOT_FOUND", "partyId")),
    "a partner agency": ("partner", "mia", ("FORBIDDEN", None)),
    "a caseworker of another office": ("wb", "ned", ("NOT_FOUND", "partyId")),
}


@pytest.mark.parametrize("kind", REFUSED)
async def test_callers_who_may_not_report_for_the_party_are_refused(
    engine: AsyncEngine, issuer: TestIssuer, kind: str
) -> None:
    world = await c.build_world(engine, issuer.url)
    who, whose, expected = REFUSED[kind]
    party = {"mia": world.mia, "ned": world.ned}[whose]
    before = await c.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        payload = await _report(
            api, c.token(issuer, who), _policy(world, partyId=world.party_id(party))
        )

    assert _errors(payload) == [expected]
    assert await c.snapshot(engine) == before
    (audit,) = await _audits(engine)
    assert (audit["outcome"], audit["object_id"]) == ("denied", party)
