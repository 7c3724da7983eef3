"""Account linking through the app: a first-time login proves who it is and is
linked to its party; guesses all look alike, are limited, and are audited."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from tests.support import factories as f
from tests.support.api import Api, running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer

LINK_ACCOUNT = """
mutation Link($input: LinkAccountInput!) {
  linkAccount(input: $input) {
    viewer { firstName lastName maskedSsn }
    errors { code field message retryAt }
  }
}
"""
VIEWER = "{ viewer { firstName } }"

CASE_NUMBER = "5550001111"
OTHER_CASE_NUMBER = "5550002222"
DOB = date(1985, 3, 14)
SSN_LAST4 = "7319"
NEW_LOGIN = "new-person"

NOT_VERIFIED = {
    "code": "VERIFICATION_FAILED",
    "field": None,
    "message": (
        "These details do not match our records. Check the case number, your "
        "date of birth and the last four digits of your Social Security number."
    ),
    "retryAt": None,
}


@dataclass(frozen=True)
class Family:
    case_id: int
    parent_id: int
    other_parent_id: int
    other_case_parent_id: int


async def _family(engine: AsyncEngine) -> Family:
    """Paula (DOB and SSN digits above) and Oscar on CASE_NUMBER; Quinn alone
    on OTHER_CASE_NUMBER."""
    async with engine.begin() as conn:
        office = await f.agency(conn)
        case_id = await f.case(conn, office, None, case_number=CASE_NUMBER)
        paula = await f.party(
            conn, first_name="Paula", date_of_birth=DOB, ssn_last4=SSN_LAST4
        )
        oscar = await f.party(
            conn, first_name="Oscar", date_of_birth=date(1983, 7, 1), ssn_last4="2468"
        )
        for party, role in ((paula, "obligee"), (oscar, "obligor")):
            await f.add(
                conn, m.CaseParticipant, case_id=case_id, party_id=party, role=role
            )
        other_case = await f.case(conn, office, None, case_number=OTHER_CASE_NUMBER)
        quinn = await f.party(
            conn, first_name="Quinn", date_of_birth=date(1990, 1, 2), ssn_last4="1357"
        )
        await f.add(
            conn, m.CaseParticipant, case_id=other_case, party_id=quinn, role="obligee"
        )
    return Family(case_id, paula, oscar, quinn)


def _input(
    case_number: str = CASE_NUMBER,
    date_of_birth: date = DOB,
    ssn_last4: str = SSN_LAST4,
) -> dict[str, str]:
    return {
        "caseNumber": case_number,
        "dateOfBirth": date_of_birth.isoformat(),
        "ssnLast4": ssn_last4,
    }


async def _link(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api.query(LINK_ACCOUNT, token, input=_input(**fields))
    return data["linkAccount"]  # type: ignore[no-any-return]


async def _rows(engine: AsyncEngine, model: type[m.Base]) -> list[Any]:
    async with engine.connect() as conn:
        table = model.__table__
        result = await conn.execute(select(table).order_by(table.c.id))
        return list(result.all())


async def _failed_attempts(
    engine: AsyncEngine, issuer: TestIssuer, subject: str, *minutes_ago: int
) -> list[datetime]:
    """Failed attempts by ``subject`` on CASE_NUMBER, that long ago."""
    now = datetime.now(UTC)
    times = [now - timedelta(minutes=minutes) for minutes in minutes_ago]
    async with engine.begin() as conn:
        for when in times:
            await f.add(
                conn,
                m.AccountLinkAttempt,
                issuer=issuer.url,
                subject=subject,
                case_number=CASE_NUMBER,
                succeeded=False,
                attempted_at=when,
            )
    return times


async def test_a_new_login_is_linked_to_the_party_it_proves(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a case with two parents, and a login nobody has linked yet
    family = await _family(engine)
    token = issuer.mint(NEW_LOGIN)

    async with running_api(engine, issuer.url) as api:
        # when the login proves it is Paula
        linked = await _link(api, token)
        # then the same token reads Paula's own record
        after = await api.query(VIEWER, token)

    assert linked["errors"] == []
    assert linked["viewer"]["firstName"] == "Paula"
    assert linked["viewer"]["maskedSsn"] == f"***-**-{SSN_LAST4}"
    assert after == {"viewer": {"firstName": "Paula"}}
    links = await _rows(engine, m.IdentityLink)
    assert [(r.issuer, r.subject, r.party_id) for r in links] == [
        (issuer.url, NEW_LOGIN, family.parent_id)
    ]
    attempts = await _rows(engine, m.AccountLinkAttempt)
    assert [(a.subject, a.case_number, a.succeeded) for a in attempts] == [
        (NEW_LOGIN, CASE_NUMBER, True)
    ]


MISMATCHES: dict[str, dict[str, Any]] = {
    "no such case": {"case_number": "5559999999"},
    "malformed case number": {"case_number": "555-000-1111"},
    "case number with spaces": {"case_number": f" {CASE_NUMBER} "},
    "absurd but not too long case number": {"case_number": "9" * 40},
    "wrong date of birth": {"date_of_birth": date(1985, 3, 15)},
    "wrong SSN digits": {"ssn_last4": "7318"},
    "malformed SSN digits": {"ssn_last4": "73a9"},
    "too many SSN digits": {"ssn_last4": "17319"},
    "the other parent's digits": {"ssn_last4": "2468"},
    "details of a parent on another case": {
        "date_of_birth": date(1990, 1, 2),
        "ssn_last4": "1357",
    },
}


async def test_every_mismatch_gets_the_same_answer_byte_for_byte(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given the family, and one fresh login per kind of mismatch (no lock-outs)
    await _family(engine)

    # when each login tries its mismatch
    bodies: dict[str, bytes] = {}
    async with running_api(engine, issuer.url, link_max_failures_per_case=100) as api:
        for n, (kind, fields) in enumerate(MISMATCHES.items()):
            token = issuer.mint(f"guesser-{n}")
            response = await api.post(LINK_ACCOUNT, token, input=_input(**fields))
            assert response.status_code == 200, response.text
            bodies[kind] = response.content

    # then every answer is the same bytes: one error, no field, no viewer
    assert len(set(bodies.values())) == 1, bodies
    body = next(iter(bodies.values()))
    assert body.decode() == (
        '{"data":{"linkAccount":{"viewer":null,"errors":[{"code":'
        '"VERIFICATION_FAILED","field":null,"message":"These details do not match '
        "our records. Check the case number, your date of birth and the last four "
        'digits of your Social Security number.","retryAt":null}]}}}'
    )
    # and each was recorded as a failed attempt (as typed, cut to 32), no link
    assert await _rows(engine, m.IdentityLink) == []
    attempts = await _rows(engine, m.AccountLinkAttempt)
    assert [a.case_number for a in attempts] == [
        (fields.get("case_number", CASE_NUMBER))[:32] for fields in MISMATCHES.values()
    ]
    assert not any(a.succeeded for a in attempts)


async def test_absurdly_long_input_is_refused_as_invalid(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await _family(engine)
    token = issuer.mint(NEW_LOGIN)
    async with running_api(engine, issuer.url) as api:
        long_case = await _link(api, token, case_number="5" * 1000)
        long_ssn = await _link(api, token, ssn_last4="7" * 1000)
    for answer, field in ((long_case, "caseNumber"), (long_ssn, "ssnLast4")):
        assert answer["viewer"] is None
        assert [(e["code"], e["field"]) for e in answer["errors"]] == [
            ("INVALID_INPUT", field)
        ]
    attempts = await _rows(engine, m.AccountLinkAttempt)
    assert [(a.case_number, a.succeeded) for a in attempts] == [
        ("5" * 32, False),
        (CASE_NUMBER, False),
    ]
    assert await _rows(engine, m.IdentityLink) == []


async def test_a_login_is_locked_out_after_its_maximum_failures(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a limit of two failures per login in 15 minutes
    await _family(engine)
    token = issuer.mint(NEW_LOGIN)
    limits = {"link_max_failures_per_subject": 2, "link_lockout_minutes": 15}

    async with running_api(engine, issuer.url, **limits) as api:
        # when the login fails twice, then gives the right details
        first = await _link(api, token, ssn_last4="0000")
        second = await _link(api, token, case_number=OTHER_CASE_NUMBER)
        third = await _link(api, token)

    # then the first two are checked, the third is refused unchecked
    assert first["errors"] == [NOT_VERIFIED]
    assert second["errors"] == [NOT_VERIFIED]
    assert third["viewer"] is None
    [locked] = third["errors"]
    assert (locked["code"], locked["field"]) == ("ACCOUNT_LOCKED", None)
    # until fewer than two failures remain within the window, counting the
    # refused attempt: when the second failure is 15 minutes old
    attempts = await _rows(engine, m.AccountLinkAttempt)
    assert [a.succeeded for a in attempts] == [False, False, False]
    retry_at = datetime.fromisoformat(locked["retryAt"])
    assert retry_at == attempts[1].attempted_at + timedelta(minutes=15)
    assert await _rows(engine, m.IdentityLink) == []
    # and the refusal did not look the case up
    audits = await _rows(engine, m.AuditEvent)
    assert [(a.outcome, a.case_id) for a in audits][-1] == ("locked", None)


async def test_a_lock_out_ends_when_its_failures_leave_the_window(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a limit of two failures per login in 15 minutes, a login whose
    # failures are 20 and 16 minutes old and one failure 14 minutes old, and
    # another login with failures 14 and 10 minutes old
    family = await _family(engine)
    await _failed_attempts(engine, issuer, NEW_LOGIN, 20, 16, 14)
    recent = await _failed_attempts(engine, issuer, "recent-guesser", 14, 10)
    limits = {"link_max_failures_per_subject": 2, "link_lockout_minutes": 15}

    async with running_api(engine, issuer.url, **limits) as api:
        # when both give the right details
        expired = await _link(api, issuer.mint(NEW_LOGIN))
        still = await _link(api, issuer.mint("recent-guesser"))

    # then the first is linked: only one of its failures still counts
    assert expired["errors"] == []
    assert expired["viewer"]["firstName"] == "Paula"
    # and the second is locked until its 10-minute-old failure is 15 minutes old
    [locked] = still["errors"]
    assert locked["code"] == "ACCOUNT_LOCKED"
    assert datetime.fromisoformat(locked["retryAt"]) == recent[1] + timedelta(
        minutes=15
    )
    links = await _rows(engine, m.IdentityLink)
    assert [(r.subject, r.party_id) for r in links] == [(NEW_LOGIN, family.parent_id)]


async def test_a_case_number_is_locked_out_across_logins(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a limit of two failures per case number
    family = await _family(engine)

    async with running_api(engine, issuer.url, link_max_failures_per_case=2) as api:
        # when two logins each fail once on the case, then a third is right
        await _link(api, issuer.mint("guesser-a"), ssn_last4="0001")
        await _link(api, issuer.mint("guesser-b"), ssn_last4="0002")
        refused = await _link(api, issuer.mint(NEW_LOGIN))
        # and a fourth login proves a parent on another case
        elsewhere = await _link(
            api,
            issuer.mint("quinn"),
            case_number=OTHER_CASE_NUMBER,
            date_of_birth=date(1990, 1, 2),
            ssn_last4="1357",
        )

    # then the third is refused: the case number is locked, whoever asks
    assert refused["viewer"] is None
    assert [e["code"] for e in refused["errors"]] == ["ACCOUNT_LOCKED"]
    assert refused["errors"][0]["retryAt"] is not None
    # while the other case is not
    assert elsewhere["errors"] == []
    links = await _rows(engine, m.IdentityLink)
    assert [(r.subject, r.party_id) for r in links] == [
        ("quinn", family.other_case_parent_id)
    ]


async def test_concurrent_guesses_cannot_race_past_the_limit(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a limit of two failures per login
    await _family(engine)
    token = issuer.mint(NEW_LOGIN)

    async with running_api(engine, issuer.url, link_max_failures_per_subject=2) as api:
        # when the login sends six wrong guesses at once
        answers = await asyncio.gather(
            *(_link(api, token, ssn_last4=f"000{n}") for n in range(6))
        )

    # then exactly two were checked; the rest waited and were refused
    codes = Counter(answer["errors"][0]["code"] for answer in answers)
    assert codes == {"VERIFICATION_FAILED": 2, "ACCOUNT_LOCKED": 4}


async def test_concurrent_right_answers_link_once(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    family = await _family(engine)
    token = issuer.mint(NEW_LOGIN)
    async with running_api(engine, issuer.url) as api:
        answers = await asyncio.gather(*(_link(api, token) for _ in range(3)))
    codes = Counter(a["errors"][0]["code"] if a["errors"] else None for a in answers)
    assert codes == {None: 1, "ALREADY_LINKED": 2}
    links = await _rows(engine, m.IdentityLink)
    assert [(r.subject, r.party_id) for r in links] == [(NEW_LOGIN, family.parent_id)]


#: What was typed for the date of birth (in any spelling) and the SSN digits
#: (the right ones and the wrong ones), as whole values: not the same digits
#: inside a longer number or hex string (lock keys, ports, request ids).
TYPED_DETAILS = re.compile(
    r"1985-03-14|19850314|03/14/1985|datetime\.date\(1985, 3, 14\)"
    r"|(?<![0-9a-fA-F])731[89](?![0-9a-fA-F])"
)
#: Timestamps (their microseconds could be any four digits).
TIMESTAMP = re.compile(r"datetime\.datetime\([^)]*\)")


async def test_every_attempt_is_audited_without_the_typed_details(
    engine: AsyncEngine, issuer: TestIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    # given the family and a new login, with every SQL statement logged
    family = await _family(engine)
    token = issuer.mint(NEW_LOGIN)
    caplog.set_level(logging.DEBUG, logger="gateway")
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL, parameters

    async with running_api(engine, issuer.url) as api:
        # when the login fails once, succeeds, then tries again once linked
        failed = await _link(api, token, ssn_last4="7318")
        linked = await _link(api, token)
        again = await _link(api, token)

    assert failed["errors"] == [NOT_VERIFIED]
    assert linked["errors"] == []
    assert [e["code"] for e in again["errors"]] == ["ALREADY_LINKED"]
    # then there is one audit record per attempt, in the attempt's transaction
    audits = [
        a for a in await _rows(engine, m.AuditEvent) if a.action == "link_account"
    ]
    assert [
        (
            a.actor_kind,
            a.actor_id,
            a.subject,
            a.case_id,
            a.object_type,
            a.object_id,
            a.outcome,
            a.detail,
        )
        for a in audits
    ] == [
        (
            "unlinked",
            None,
            NEW_LOGIN,
            family.case_id,
            "Party",
            None,
            "failed",
            {"case_number": CASE_NUMBER},
        ),
        (
            "unlinked",
            None,
            NEW_LOGIN,
            family.case_id,
            "Party",
            family.parent_id,
            "succeeded",
            {"case_number": CASE_NUMBER},
        ),
        (
            "party",
            family.parent_id,
            NEW_LOGIN,
            None,
            "Party",
            None,
            "failed",
            {"case_number": CASE_NUMBER},
        ),
    ]
    # and what was typed for the date of birth and the SSN is nowhere: not in
    # the audit log, the attempts, or any log line (SQL included)
    stored = [str(tuple(row)) for row in audits]
    stored += [str(tuple(row)) for row in await _rows(engine, m.AccountLinkAttempt)]
    logged = [record.getMessage() for record in caplog.records]
    # (statements were logged; their parameters never are)
    assert any("account_link_attempts" in line for line in logged)
    assert any("parameters hidden" in line for line in logged)
    assert not any(f"'{CASE_NUMBER}'" in line for line in logged)
    for text in (*stored, *logged):
        assert not TYPED_DETAILS.search(TIMESTAMP.sub("<timestamp>", text)), text


async def test_a_linked_login_or_person_cannot_link_again(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Paula linked to one login, Oscar to another, and a staff login
    family = await _family(engine)
    async with engine.begin() as conn:
        await link(conn, issuer.url, "paula-first-login", family.parent_id)
        await link(conn, issuer.url, "oscar", family.other_parent_id)
        office = await f.agency(conn)
        worker = await f.staff(conn, office)
        await f.add(
            conn, m.IdentityLink, issuer=issuer.url, subject="worker", staff_id=worker
        )
    before = await _rows(engine, m.IdentityLink)

    async with running_api(engine, issuer.url) as api:
        # when a second login proves it is Paula, and Oscar's and the staff
        # member's logins (already linked) prove it too
        second = await _link(api, issuer.mint("paula-second-login"))
        as_oscar = await _link(api, issuer.mint("oscar"))
        as_staff = await _link(api, issuer.mint("worker"))

    # then the linked logins are told so; the new login proving Paula, who is
    # linked already, gets exactly a wrong guess's answer (the answer never
    # confirms someone's details), and no link was added
    for answer in (as_oscar, as_staff):
        assert answer["viewer"] is None
        assert [e["code"] for e in answer["errors"]] == ["ALREADY_LINKED"]
    wrong = await _wrong_guess(engine, issuer)
    assert second == wrong
    assert await _rows(engine, m.IdentityLink) == before
    attempts = await _rows(engine, m.AccountLinkAttempt)
    # only the unlinked logins' attempts were verification attempts
    assert [(a.subject, a.succeeded) for a in attempts] == [
        ("paula-second-login", False),
        ("someone-guessing", False),
    ]
    audits = [
        a
        for a in await _rows(engine, m.AuditEvent)
        if a.subject == ("paula-second-login")
    ]
    assert [a.detail.get("reason") for a in audits] == ["party_already_linked"]


async def _wrong_guess(engine: AsyncEngine, issuer: TestIssuer) -> dict[str, Any]:
    async with running_api(engine, issuer.url) as api:
        return await _link(api, issuer.mint("someone-guessing"), ssn_last4="0000")


async def test_a_person_under_a_family_violence_indicator_cannot_self_link(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Paula under an active indicator (a disclosure order changes nothing)
    family = await _family(engine)
    async with engine.begin() as conn:
        office = await f.agency(conn)
        worker = await f.staff(conn, office)
        await f.add(
            conn,
            m.FamilyViolenceIndicator,
            party_id=family.parent_id,
            code="family_violence",
            set_on=date(2024, 1, 1),
            set_by_staff_id=worker,
        )

    # when someone proves her details, and someone else guesses wrong
    async with running_api(engine, issuer.url) as api:
        proved = await _link(api, issuer.mint("knows-her-details"))
    wrong = await _wrong_guess(engine, issuer)

    # then both get the same answer; nothing is linked; the audit says why
    assert proved == wrong
    assert [e["code"] for e in proved["errors"]] == ["VERIFICATION_FAILED"]
    assert await _rows(engine, m.IdentityLink) == []
    audits = {a.subject: a for a in await _rows(engine, m.AuditEvent)}
    assert audits["knows-her-details"].detail == {
        "case_number": CASE_NUMBER,
        "reason": "family_violence_indicator",
    }
    assert audits["knows-her-details"].outcome == "failed"


async def test_a_case_number_a_text_column_cannot_hold_is_a_recorded_failure(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await _family(engine)
    async with running_api(engine, issuer.url) as api:
        answer = await _link(api, issuer.mint("nul"), case_number="41000\u00000001")
    wrong = await _wrong_guess(engine, issuer)
    assert answer == wrong
    attempts = {a.subject: a for a in await _rows(engine, m.AccountLinkAttempt)}
    assert attempts["nul"].case_number == "41000?0001"
