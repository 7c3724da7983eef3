"""Reporting a new employer through the app: stored PENDING for the
caseworker, visible to the party and their caseworker only, checked, and
refused without a trace for callers who may not report for the party."""

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
mutation Report($input: ReportEmployerChangeInput!) {
  reportEmployerChange(input: $input) {
    employerReport {
      employerName addressLine1 city state postalCode phone startDate
      income incomeFrequency status reportedAt
    }
    errors { code field message }
  }
}
"""
MY_REPORTS = """
{ viewer { employerReports { employerName startDate income status reportedAt } } }
"""
CASE_REPORTS = """
query($n: String!) {
  case(number: $n) {
    participants { party { firstName employerReports { employerName status } } }
  }
}
"""

START = date.today() - timedelta(days=10)
JOB: dict[str, Any] = {
    "employerName": "  Acme   Widgets ",
    "address": {
        "line1": "500 Main St",
        "city": "Austin",
        "state": "tx",
        "postalCode": "78701",
    },
    "phone": "512.555.0142",
    "startDate": START.isoformat(),
    "income": "1234.50",
    "incomeFrequency": "BIWEEKLY",
}


async def _report(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api.query(REPORT, token, input=JOB | fields)
    return data["reportEmployerChange"]  # type: ignore[no-any-return]


def _errors(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def _audits(engine: AsyncEngine) -> list[dict[str, Any]]:
    return [
        row
        for row in await r.audit_rows(engine)
        if row["action"] == "report_employer_change"
    ]


async def test_a_parent_reports_a_new_employer(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        payload = await _report(api, mia)
        mine = await api.query(MY_REPORTS, mia)

    # then it is stored as typed, normalised, and pending
    assert payload["errors"] == []
    report = payload["employerReport"]
    assert {k: v for k, v in report.items() if k != "reportedAt"} == {
        "employerName": "Acme Widgets",
        "addressLine1": "500 Main St",
        "city": "Austin",
        "state": "TX",
        "postalCode": "78701",
        "phone": "+15125550142",
        "startDate": START.isoformat(),
        "income": "1234.50",
        "incomeFrequency": "BIWEEKLY",
        "status": "PENDING",
    }
    assert mine["viewer"]["employerReports"] == [
        {
            "employerName": "Acme Widgets",
            "startDate": START.isoformat(),
            "income": "1234.50",
            "status": "PENDING",
            "reportedAt": report["reportedAt"],
        }
    ]
    (row,) = await c.rows(engine, m.EmployerReport)
    assert (row["party_id"], row["reported_by_kind"], row["reported_by_id"]) == (
        world.mia,
        "party",
        world.mia,
    )
    assert str(row["income"]) == "1234.50"
    # and nobody was notified, her cases were touched
    assert await c.outbox(engine) == []
    cases = {row["id"]: row["updated_at"] for row in await c.rows(engine, m.Case)}
    assert cases[world.c1] > c.LONG_AGO
    assert cases[world.c3] == c.LONG_AGO
    (audit,) = await _audits(engine)
    assert (audit["outcome"], audit["object_type"]) == ("succeeded", "EmployerReport")
    assert audit["object_id"] == row["id"]
    assert audit["detail"] is None


async def test_income_is_optional_and_a_retry_is_stored_once(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")
    bare = {"address": None, "phone": None, "income": None, "incomeFrequency": None}

    async with running_api(engine, issuer.url) as api:
        first = await _report(api, mia, **bare)
        retry = await _report(api, mia, **bare)

    assert first["errors"] == retry["errors"] == []
    assert first["employerReport"] == retry["employerReport"]
    assert first["employerReport"]["income"] is None
    assert len(await c.rows(engine, m.EmployerReport)) == 1
    details = [a["detail"] for a in await _audits(engine)]
    assert details == [None, {"already_reported": True}]


async def test_the_caseworker_sees_pending_reports_and_others_do_not(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)

    async with running_api(engine, issuer.url) as api:
        await _report(api, c.token(issuer, "mia"))
        seen = {}
        for who in ("wa", "ned", "partner", "mia"):
            data = await api.query(
                CASE_REPORTS, c.token(issuer, who), n=world.c1_number
            )
            seen[who] = {
                p["party"]["firstName"]: p["party"]["employerReports"]
                for p in data["case"]["participants"]
            }

    pending = [{"employerName": "Acme Widgets", "status": "PENDING"}]
    assert seen["wa"] == {"Mia": pending, "Ned": []}
    assert seen["mia"]["Mia"] == pending
    # the other parent and the partner: none, as if there were none
    assert seen["ned"]["Mia"] == []
    assert seen["partner"]["Mia"] == []
    # the caseworker's read of Mia's employer reports was audited
    reads = [
        a
        for a in await r.audit_rows(engine)
        if a["action"] == "read_personal_data" and a["object_id"] == world.mia
    ]
    assert any("employerReports" in a["fields"] for a in reads)


async def test_a_caseworker_of_the_office_reports_for_the_party(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)

    async with running_api(engine, issuer.url) as api:
        payload = await _report(
            api, c.token(issuer, "wa"), partyId=world.party_id(world.mia)
        )
        mine = await api.query(MY_REPORTS, c.token(issuer, "mia"))

    assert payload["errors"] == []
    assert [x["status"] for x in mine["viewer"]["employerReports"]] == ["PENDING"]
    (row,) = await c.rows(engine, m.EmployerReport)
    assert (row["party_id"], row["reported_by_kind"], row["reported_by_id"]) == (
        world.mia,
        "staff",
        world.wa,
    )
    (audit,) = await _audits(engine)
    assert (audit["actor_kind"], audit["actor_id"]) == ("staff", world.wa)
    assert audit["detail"] == {"for_party": world.mia}


TOO_FAR = (date.today() + timedelta(days=400)).isoformat()
INVALID: dict[str, tuple[dict[str, Any], list[tuple[str, str | None]]]] = {
    "blank name": ({"employerName": "  "}, [("REQUIRED", "employerName")]),
    "invisible name": (
        {"employerName": "\u200b\ufeff"},
        [("REQUIRED", "employerName")],
    ),
    "a card number in the name": (
        {"employerName": "Acme 5555 5555 5555 4444"},
        [("CARD_NUMBER_NOT_ALLOWED", "employerName")],
    ),
    "huge income": ({"income": "1e30"}, [("INVALID", "income")]),
    "name too long": ({"employerName": "n" * 201}, [("INVALID", "employerName")]),
    "unknown state": (
        {"address": JOB["address"] | {"state": "QQ"}},
        [("INVALID", "address.state")],
    ),
    "bad ZIP": (
        {"address": JOB["address"] | {"postalCode": "787"}},
        [("INVALID", "address.postalCode")],
    ),
    "blank city": (
        {"address": JOB["address"] | {"city": ""}},
        [("REQUIRED", "address.city")],
    ),
    "bad phone": ({"phone": "12"}, [("INVALID", "phone")]),
    "start before 1900": ({"startDate": "1899-12-31"}, [("INVALID", "startDate")]),
    "start years ahead": ({"startDate": TOO_FAR}, [("INVALID", "startDate")]),
    "zero income": ({"income": "0"}, [("INVALID", "income")]),
    "negative income": ({"income": "-5.00"}, [("INVALID", "income")]),
    "fractions of a cent": ({"income": "100.005"}, [("INVALID", "income")]),
    "absurd income": ({"income": "1000000.01"}, [("INVALID", "income")]),
    "not a number": ({"income": "NaN"}, [("INVALID", "income")]),
    "income without frequency": (
        {"incomeFrequency": None},
        [("REQUIRED", "incomeFrequency")],
    ),
    "frequency without income": ({"income": None}, [("REQUIRED", "income")]),
}


@pytest.mark.parametrize("kind", INVALID)
async def test_invalid_reports_are_refused_and_nothing_is_written(
    engine: AsyncEngine, issuer: TestIssuer, kind: str
) -> None:
    world = await c.build_world(engine, issuer.url)
    fields, expected = INVALID[kind]
    before = await c.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        payload = await _report(api, c.token(issuer, "mia"), **fields)

    assert payload["employerReport"] is None
    assert _errors(payload) == expected
    assert await c.snapshot(engine) == before
    (audit,) = await _audits(engine)
    assert (audit["outcome"], audit["object_id"]) == ("failed", world.mia)


REFUSED: dict[str, tuple[str, str | None, tuple[str, str | None]]] = {
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
    party = {"mia": world.mia, "ned": world.ned}[whose or "mia"]
    before = await c.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        payload = await _report(
            api, c.token(issuer, who), partyId=world.party_id(party)
        )

    assert _errors(payload) == [expected]
    assert payload["employerReport"] is None
    assert await c.snapshot(engine) == before
    (audit,) = await _audits(engine)
    assert (audit["outcome"], audit["object_type"], audit["object_id"]) == (
        "denied",
        "Party",
        party,
    )
