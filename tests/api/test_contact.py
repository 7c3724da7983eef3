"""Changing contact details through the app: partial updates, versions,
one-time codes for a new e-mail address or phone, security alerts, and
refusals that leave every table as it was."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from domain.confirmation_codes import code_digest
from tests.support import contact as c
from tests.support import roles as r
from tests.support.api import TEST_DIGEST_KEY, Api, running_api
from tests.support.issuer import TestIssuer

UPDATE = """
mutation Update($input: UpdateContactInformationInput!) {
  updateContactInformation(input: $input) {
    viewer {
      contactVersion email emailVerified pendingEmail phone phoneConfirmed
      mailingAddress { line1 line2 city state postalCode }
    }
    party { id firstName contactVersion phone mailingAddress { line1 } }
    errors { code field message }
  }
}
"""
CONFIRM_EMAIL = """
mutation Confirm($input: ConfirmEmailChangeInput!) {
  confirmEmailChange(input: $input) {
    viewer { contactVersion email emailVerified pendingEmail }
    errors { code field message }
  }
}
"""
CONFIRM_PHONE = """
mutation Confirm($input: ConfirmPhoneInput!) {
  confirmPhone(input: $input) {
    viewer { contactVersion phone phoneConfirmed }
    errors { code field message }
  }
}
"""
VIEWER = """
{
  viewer {
    contactVersion email emailVerified pendingEmail phone phoneConfirmed
    mailingAddress { line1 line2 city state postalCode }
  }
}
"""
CASE_PARTIES = """
query($n: String!) {
  case(number: $n) { participants { party { firstName contactVersion } } }
}
"""

NEW_ADDRESS = {
    "line1": "12 New Rd",
    "city": "Round Rock",
    "state": "tx",
    "postalCode": "786641234",
}
NEW_EMAIL = "Mia.New@Example.ORG"
STORED_NEW_EMAIL = "Mia.New@example.org"


async def _update(
    api: Api, token: str, version: int = 1, **fields: Any
) -> dict[str, Any]:
    data = await api.query(UPDATE, token, input={"version": version, **fields})
    return data["updateContactInformation"]  # type: ignore[no-any-return]


async def _confirm(api: Api, token: str, document: str, code: str) -> dict[str, Any]:
    data = await api.query(document, token, input={"code": code})
    return next(iter(data.values()))


def _errors(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


def _sent_to(outbox: list[dict[str, Any]], destination: str) -> list[dict[str, Any]]:
    return [row for row in outbox if row["destination"] == destination]


async def _audits(engine: AsyncEngine, action: str) -> list[dict[str, Any]]:
    return [row for row in await r.audit_rows(engine) if row["action"] == action]


# -- the success paths ------------------------------------------------------


async def test_a_parent_changes_address_and_phone(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Mia with an address, a confirmed-or-not phone, version 1
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        before = await api.query(VIEWER, mia)
        # when she moves and gives a new phone, typed as people type them
        payload = await _update(
            api,
            mia,
            version=before["viewer"]["contactVersion"],
            mailingAddress=NEW_ADDRESS,
            phone="(512) 555-0123",
        )
        # then the payload and a later read show the normalised details
        after = await api.query(VIEWER, mia)

    assert payload["errors"] == []
    expected = {
        "contactVersion": 2,
        "email": c.MIA_EMAIL,
        "emailVerified": True,
        "pendingEmail": None,
        "phone": "+15125550123",
        "phoneConfirmed": False,
        "mailingAddress": {
            "line1": "12 New Rd",
            "line2": "Apt 4",
            "city": "Round Rock",
            "state": "TX",
            "postalCode": "78664-1234",
        },
    }
    assert payload["viewer"] == expected
    assert after["viewer"] == expected
    assert payload["party"]["contactVersion"] == 2
    assert payload["party"]["mailingAddress"] == {"line1": "12 New Rd"}
    # and the code went by text to the new phone; its digest, not it, is kept
    outbox = await c.outbox(engine)
    (texted,) = _sent_to(outbox, "+15125550123")
    assert (texted["channel"], texted["topic"]) == ("sms", "security_alert")
    code = c.code_in(texted["body"])
    (confirmation,) = await c.rows(engine, m.ContactConfirmation)
    assert confirmation["value"] == "+15125550123"
    assert confirmation["channel"] == "sms"
    assert confirmation["code_digest"] == code_digest(
        TEST_DIGEST_KEY.encode(), world.mia, "sms", "+15125550123", code
    )
    assert code.encode() not in confirmation["code_digest"]
    # and the security alert went to Mia's e-mail only, naming no new detail
    (alert,) = _sent_to(outbox, c.MIA_EMAIL)
    assert alert["topic"] == "security_alert"
    assert "were changed" in alert["body"]
    # the number of the office of one of her cases, to call
    assert "512-555-0100" in alert["body"] or "210-555-0100" in alert["body"]
    for detail in ("12 New Rd", "Round Rock", "78664", "0123"):
        assert detail not in alert["body"]
        assert detail not in alert["subject"]
    assert {row["party_id"] for row in outbox} == {world.mia}
    # and her cases changed, the other ones did not
    cases = {row["id"]: row["updated_at"] for row in await c.rows(engine, m.Case)}
    assert cases[world.c1] > c.LONG_AGO
    assert cases[world.c2] > c.LONG_AGO
    assert cases[world.c3] == c.LONG_AGO
    stored = await c.party(engine, world.mia)
    assert stored["updated_at"] > c.LONG_AGO
    assert stored["phone_verified_at"] is None
    # and the change was audited, without the code
    (audit,) = await _audits(engine, "update_contact_information")
    assert audit["outcome"] == "succeeded"
    assert (audit["actor_kind"], audit["actor_id"]) == ("party", world.mia)
    assert (audit["object_type"], audit["object_id"]) == ("Party", world.mia)
    assert audit["fields"] == ["mailingAddress", "phone"]
    assert audit["detail"] == {"version": 2, "codes_sent": ["sms"]}
    assert code not in str(await r.audit_rows(engine))


async def test_only_given_parts_change_and_null_line2_clears_it(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        # when Mia gives only a new first line
        first = await _update(api, mia, version=1, mailingAddress={"line1": "7 Oak"})
        # and then removes the second line
        second = await _update(api, mia, version=2, mailingAddress={"line2": None})

    # then the other parts, her phone and e-mail stayed as they were
    assert first["errors"] == []
    assert first["viewer"]["mailingAddress"] == {
        "line1": "7 Oak",
        "line2": "Apt 4",
        "city": "Austin",
        "state": "TX",
        "postalCode": "78701",
    }
    assert second["errors"] == []
    assert second["viewer"]["mailingAddress"]["line2"] is None
    assert second["viewer"]["contactVersion"] == 3
    stored = await c.party(engine, world.mia)
    assert (stored["phone"], stored["email"]) == ("+15125550199", c.MIA_EMAIL)
    assert await c.rows(engine, m.ContactConfirmation) == []


async def test_giving_the_same_details_changes_nothing(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Mia's details, given again as they are (e-mail in another case)
    world = await c.build_world(engine, issuer.url)
    async with engine.begin() as conn:
        await conn.execute(
            update(m.Party)
            .where(m.Party.id == world.mia)
            .values(phone_verified_at=c.LONG_AGO)
        )
    before = await c.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        payload = await _update(
            api,
            c.token(issuer, "mia"),
            mailingAddress={"line1": " 1  Elm St ", "state": "TX"},
            phone="512-555-0199",
            email=c.MIA_EMAIL.upper(),
        )

    # then no version, no code, no alert: nothing was written
    assert payload["errors"] == []
    assert payload["viewer"]["contactVersion"] == 1
    assert await c.snapshot(engine) == before


async def test_the_unconfirmed_phone_given_again_gets_a_new_code_only(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Mia's stored phone, never confirmed
    world = await c.build_world(engine, issuer.url)

    async with running_api(engine, issuer.url) as api:
        payload = await _update(api, c.token(issuer, "mia"), phone="512-555-0199")

    # then a code goes to it, but nothing changed: no version, no alert
    assert payload["errors"] == []
    assert payload["viewer"]["contactVersion"] == 1
    (texted,) = await c.outbox(engine)
    assert (texted["destination"], texted["channel"]) == ("+15125550199", "sms")
    assert (await c.party(engine, world.mia))["version"] == 1
    (audit,) = await _audits(engine, "update_contact_information")
    assert audit["detail"] == {"version": 1, "codes_sent": ["sms"]}


# -- validation ------------------------------------------------------------

INVALID_INPUTS: dict[str, tuple[dict[str, Any], list[tuple[str, str | None]]]] = {
    "unknown state": (
        {"mailingAddress": {"state": "XX"}},
        [("INVALID", "mailingAddress.state")],
    ),
    "a card number in the address": (
        {"mailingAddress": {"line1": "4242424242424242"}},
        [("CARD_NUMBER_NOT_ALLOWED", "mailingAddress.line1")],
    ),
    "short ZIP": (
        {"mailingAddress": {"postalCode": "7870"}},
        [("INVALID", "mailingAddress.postalCode")],
    ),
    "ZIP with letters": (
        {"mailingAddress": {"postalCode": "78A01"}},
        [("INVALID", "mailingAddress.postalCode")],
    ),
    "ZIP+4 cut short": (
        {"mailingAddress": {"postalCode": "78701-12"}},
        [("INVALID", "mailingAddress.postalCode")],
    ),
    "line too long": (
        {"mailingAddress": {"line1": "x" * 201}},
        [("INVALID", "mailingAddress.line1")],
    ),
    "city too long": (
        {"mailingAddress": {"city": "y" * 101}},
        [("INVALID", "mailingAddress.city")],
    ),
    "control characters": (
        {"mailingAddress": {"line1": "1 Elm\x00St"}},
        [("INVALID", "mailingAddress.line1")],
    ),
    "city removed": (
        {"mailingAddress": {"city": None}},
        [("REQUIRED", "mailingAddress.city")],
    ),
    "blank first line": (
        {"mailingAddress": {"line1": "   "}},
        [("REQUIRED", "mailingAddress.line1")],
    ),
    "address removed": ({"mailingAddress": None}, [("INVALID", "mailingAddress")]),
    "unparseable phone": ({"phone": "call me maybe"}, [("INVALID", "phone")]),
    "phone too short": ({"phone": "555-0199"}, [("INVALID", "phone")]),
    "phone number that cannot exist": (
        {"phone": "+1 011 555 0199"},
        [("INVALID", "phone")],
    ),
    "phone too long": ({"phone": "5" * 33}, [("INVALID", "phone")]),
    "phone with an extension": ({"phone": "512-555-0123 x12"}, [("INVALID", "phone")]),
    "e-mail without a domain": ({"email": "someone@"}, [("INVALID", "email")]),
    "e-mail without a TLD": ({"email": "someone@localhost"}, [("INVALID", "email")]),
    "e-mail with two at-signs": ({"email": "a@b@c.org"}, [("INVALID", "email")]),
    "e-mail too long": ({"email": "a" * 250 + "@b.org"}, [("INVALID", "email")]),
    "e-mail removed": ({"email": None}, [("REQUIRED", "email")]),
    "several problems at once": (
        {
            "mailingAddress": {"state": "ZZ", "postalCode": "1"},
            "phone": "nope",
            "email": "nope",
        },
        [
            ("INVALID", "mailingAddress.state"),
            ("INVALID", "mailingAddress.postalCode"),
            ("INVALID", "phone"),
            ("INVALID", "email"),
        ],
    ),
}


@pytest.mark.parametrize("kind", INVALID_INPUTS)
async def test_invalid_input_is_refused_and_nothing_is_written(
    engine: AsyncEngine, issuer: TestIssuer, kind: str
) -> None:
    world = await c.build_world(engine, issuer.url)
    fields, expected = INVALID_INPUTS[kind]
    before = await c.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        payload = await _update(api, c.token(issuer, "mia"), **fields)

    assert payload["viewer"] is None
    assert payload["party"] is None
    assert _errors(payload) == expected
    assert all(e["message"] for e in payload["errors"])
    assert await c.snapshot(engine) == before
    (audit,) = await _audits(engine, "update_contact_information")
    assert audit["outcome"] == "failed"
    assert audit["object_id"] == world.mia
    assert audit["detail"] == {"errors": sorted({code.lower() for code, _ in expected})}


async def test_a_stale_version_is_a_conflict_and_nothing_is_written(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Mia's details changed once (version 2) after her phone read them
    await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")
    async with running_api(engine, issuer.url) as api:
        first = await _update(api, mia, version=1, mailingAddress={"line1": "2 Elm"})
        before = await c.snapshot(engine)
        # when the phone sends its change with the version it read
        stale = await _update(api, mia, version=1, mailingAddress={"line1": "3 Elm"})
        ahead = await _update(api, mia, version=7, phone="512-555-0123")

    # then both are refused as conflicts, and nothing changed
    assert first["errors"] == []
    assert _errors(stale) == [("CONFLICT", "version")]
    assert _errors(ahead) == [("CONFLICT", "version")]
    assert await c.snapshot(engine) == before


async def test_two_concurrent_updates_with_one_version_one_wins(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given two devices that read version 1
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        # when both send a change at the same time
        answers = await asyncio.gather(
            *(
                _update(api, mia, version=1, mailingAddress={"line1": line})
                for line in ("A Street 1", "B Street 2", "C Street 3", "D Street 4")
            )
        )

    # then exactly one wins; the others are conflicts, nothing overwritten
    winners = [a for a in answers if not a["errors"]]
    losers = [a for a in answers if a["errors"]]
    assert len(winners) == 1
    assert all(_errors(a) == [("CONFLICT", "version")] for a in losers)
    stored = await c.party(engine, world.mia)
    assert stored["version"] == 2
    assert stored["address_line1"] == winners[0]["viewer"]["mailingAddress"]["line1"]
    assert len(_sent_to(await c.outbox(engine), c.MIA_EMAIL)) == 1


# -- e-mail and phone confirmation ------------------------------------------


async def test_an_email_change_is_pending_until_confirmed(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        # when Mia asks for a new address
        asked = await _update(api, mia, email=NEW_EMAIL)
        pending = await api.query(VIEWER, mia)
        outbox = await c.outbox(engine)
        (sent,) = _sent_to(outbox, STORED_NEW_EMAIL)
        code = c.code_in(sent["body"])
        # and confirms it with the code sent there
        confirmed = await _confirm(api, mia, CONFIRM_EMAIL, code)
        after = await api.query(VIEWER, mia)
        # and tries the same code again
        reused = await _confirm(api, mia, CONFIRM_EMAIL, code)

    # then the address stayed hers until the code came back
    assert asked["errors"] == []
    assert asked["viewer"]["email"] == c.MIA_EMAIL
    assert asked["viewer"]["pendingEmail"] == STORED_NEW_EMAIL
    assert pending["viewer"]["pendingEmail"] == STORED_NEW_EMAIL
    assert pending["viewer"]["contactVersion"] == 2
    # and the alert of the request went to the old address, naming neither
    (alert,) = _sent_to(outbox, c.MIA_EMAIL)
    assert "requested" in alert["body"]
    assert STORED_NEW_EMAIL.lower() not in alert["body"].lower()
    assert sent["channel"] == "email"
    # then the code made the new address hers, once
    assert confirmed["errors"] == []
    assert confirmed["viewer"] == {
        "contactVersion": 3,
        "email": STORED_NEW_EMAIL,
        "emailVerified": True,
        "pendingEmail": None,
    }
    assert after["viewer"]["email"] == STORED_NEW_EMAIL
    assert _errors(reused) == [("CODE_INVALID", "code")]
    stored = await c.party(engine, world.mia)
    assert stored["email_verified_at"] > c.LONG_AGO
    # and the old address was told it was replaced (the alert went out first)
    alerts = _sent_to(await c.outbox(engine), c.MIA_EMAIL)
    assert len(alerts) == 2
    assert all(STORED_NEW_EMAIL.lower() not in a["body"].lower() for a in alerts)
    (confirmation,) = await c.rows(engine, m.ContactConfirmation)
    assert confirmation["consumed_at"] is not None
    assert [
        (a["outcome"], a["fields"])
        for a in await _audits(engine, "confirm_email_change")
    ] == [("succeeded", ["email"]), ("failed", [])]


async def test_wrong_codes_count_and_then_the_change_is_void(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url, confirmation_code_max_attempts=3) as api:
        await _update(api, mia, email=NEW_EMAIL)
        (sent,) = _sent_to(await c.outbox(engine), STORED_NEW_EMAIL)
        code = c.code_in(sent["body"])
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        # when she types wrong codes (the answer is an error, the try counts)
        first = await _confirm(api, mia, CONFIRM_EMAIL, wrong)
        counted = (await c.rows(engine, m.ContactConfirmation))[0]["attempts"]
        second = await _confirm(api, mia, CONFIRM_EMAIL, "not a code")
        third = await _confirm(api, mia, CONFIRM_EMAIL, wrong)
        # then even the right code no longer works, and nothing is pending
        right = await _confirm(api, mia, CONFIRM_EMAIL, code)
        after = await api.query(VIEWER, mia)

    assert _errors(first) == [("CODE_INVALID", "code")]
    assert counted == 1
    assert _errors(second) == [("CODE_INVALID", "code")]
    assert _errors(third) == [("TOO_MANY_ATTEMPTS", "code")]
    assert _errors(right) == [("TOO_MANY_ATTEMPTS", "code")]
    assert after["viewer"]["email"] == c.MIA_EMAIL
    assert after["viewer"]["pendingEmail"] is None
    (confirmation,) = await c.rows(engine, m.ContactConfirmation)
    assert confirmation["attempts"] == 3
    assert confirmation["consumed_at"] is None
    assert (await c.party(engine, world.mia))["email"] == c.MIA_EMAIL
    outcomes = [a["outcome"] for a in await _audits(engine, "confirm_email_change")]
    assert outcomes == ["failed", "failed", "locked", "locked"]


async def test_an_expired_code_is_refused(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        await _update(api, mia, email=NEW_EMAIL)
        (sent,) = _sent_to(await c.outbox(engine), STORED_NEW_EMAIL)
        # when its time runs out before she types it
        async with engine.begin() as conn:
            await conn.execute(
                update(m.ContactConfirmation).values(
                    expires_at=datetime.now(UTC) - timedelta(seconds=1)
                )
            )
        expired = await _confirm(api, mia, CONFIRM_EMAIL, c.code_in(sent["body"]))
        after = await api.query(VIEWER, mia)

    assert _errors(expired) == [("CODE_EXPIRED", "code")]
    assert after["viewer"]["pendingEmail"] is None
    assert after["viewer"]["email"] == c.MIA_EMAIL
    (confirmation,) = await c.rows(engine, m.ContactConfirmation)
    assert (confirmation["attempts"], confirmation["consumed_at"]) == (0, None)
    assert (await c.party(engine, world.mia))["version"] == 2


async def test_a_new_request_supersedes_the_pending_one(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        await _update(api, mia, version=1, email="first@mail.example")
        await _update(api, mia, version=2, email="second@mail.example")
        outbox = await c.outbox(engine)
        (first,) = _sent_to(outbox, "first@mail.example")
        (second,) = _sent_to(outbox, "second@mail.example")
        pending = await api.query(VIEWER, mia)
        old = await _confirm(api, mia, CONFIRM_EMAIL, c.code_in(first["body"]))
        new = await _confirm(api, mia, CONFIRM_EMAIL, c.code_in(second["body"]))

    assert pending["viewer"]["pendingEmail"] == "second@mail.example"
    assert _errors(old) == [("CODE_INVALID", "code")]
    assert new["errors"] == []
    assert new["viewer"]["email"] == "second@mail.example"


async def test_a_new_phone_is_confirmed_with_the_texted_code(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        await _update(api, mia, phone="512 555 0123")
        (texted,) = _sent_to(await c.outbox(engine), "+15125550123")
        code = c.code_in(texted["body"])
        wrong = await _confirm(
            api, mia, CONFIRM_PHONE, "000000" if code != "000000" else "111111"
        )
        right = await _confirm(api, mia, CONFIRM_PHONE, f" {code[:3]} {code[3:]} ")

    assert _errors(wrong) == [("CODE_INVALID", "code")]
    assert right["errors"] == []
    assert right["viewer"] == {
        "contactVersion": 3,
        "phone": "+15125550123",
        "phoneConfirmed": True,
    }
    stored = await c.party(engine, world.mia)
    assert stored["phone_verified_at"] is not None
    (confirmation,) = await c.rows(engine, m.ContactConfirmation)
    assert confirmation["attempts"] == 1
    assert confirmation["consumed_at"] is not None


async def test_a_code_for_a_phone_since_removed_confirms_nothing(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url) as api:
        await _update(api, mia, version=1, phone="512 555 0123")
        (texted,) = _sent_to(await c.outbox(engine), "+15125550123")
        removed = await _update(api, mia, version=2, phone=None)
        late = await _confirm(api, mia, CONFIRM_PHONE, c.code_in(texted["body"]))

    assert removed["viewer"]["phone"] is None
    assert _errors(late) == [("CODE_INVALID", "code")]
    assert (await c.party(engine, world.mia))["phone_verified_at"] is None


async def test_codes_sent_per_hour_are_limited(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")

    async with running_api(engine, issuer.url, confirmation_codes_per_hour=2) as api:
        first = await _update(api, mia, version=1, email="a@mail.example")
        second = await _update(api, mia, version=2, email="b@mail.example")
        before = await c.snapshot(engine)
        third = await _update(api, mia, version=3, email="c@mail.example")
        unchanged = await c.snapshot(engine)
        # the phone's codes are counted apart
        phone = await _update(api, mia, version=3, phone="512-555-0123")

    assert first["errors"] == second["errors"] == []
    assert _errors(third) == [("RATE_LIMITED", "email")]
    assert unchanged == before
    assert phone["errors"] == []


@pytest.mark.parametrize("who", ["wa", "partner"])
@pytest.mark.parametrize("document", [CONFIRM_EMAIL, CONFIRM_PHONE])
async def test_only_the_party_confirms_a_code(
    engine: AsyncEngine, issuer: TestIssuer, who: str, document: str
) -> None:
    await c.build_world(engine, issuer.url)
    async with running_api(engine, issuer.url) as api:
        await _update(api, c.token(issuer, "mia"), email=NEW_EMAIL, phone="5125550123")
        before = await c.snapshot(engine)
        (sent,) = _sent_to(await c.outbox(engine), STORED_NEW_EMAIL)
        code = c.code_in(sent["body"])
        refused = await _confirm(api, c.token(issuer, who), document, code)

    assert _errors(refused) == [("FORBIDDEN", None)]
    assert refused["viewer"] is None
    assert await c.snapshot(engine) == before
    action = "confirm_email_change" if document is CONFIRM_EMAIL else "confirm_phone"
    (audit,) = await _audits(engine, action)
    assert audit["outcome"] == "denied"


# -- who may change whose details ------------------------------------------


async def test_a_caseworker_of_the_office_acts_for_the_party(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    wa = c.token(issuer, "wa")

    async with running_api(engine, issuer.url) as api:
        # the caseworker reads the version from the case
        read = await api.query(CASE_PARTIES, wa, n=world.c1_number)
        version = next(
            p["party"]["contactVersion"]
            for p in read["case"]["participants"]
            if p["party"]["firstName"] == "Mia"
        )
        payload = await _update(
            api,
            wa,
            version=version,
            partyId=world.party_id(world.mia),
            mailingAddress=NEW_ADDRESS,
            email=NEW_EMAIL,
        )

    assert payload["errors"] == []
    assert payload["viewer"] is None
    assert payload["party"]["id"] == world.party_id(world.mia)
    assert payload["party"]["contactVersion"] == 2
    stored = await c.party(engine, world.mia)
    assert (stored["address_line1"], stored["email"]) == ("12 New Rd", c.MIA_EMAIL)
    # the code goes to the new address (Mia confirms it herself), the alert
    # to Mia's current one; never to anyone else
    outbox = await c.outbox(engine)
    assert {row["destination"] for row in outbox} == {STORED_NEW_EMAIL, c.MIA_EMAIL}
    assert {row["party_id"] for row in outbox} == {world.mia}
    (audit,) = await _audits(engine, "update_contact_information")
    assert audit["outcome"] == "succeeded"
    assert (audit["actor_kind"], audit["actor_id"]) == ("staff", world.wa)
    assert audit["detail"]["for_party"] == world.mia
    assert audit["fields"] == ["email", "mailingAddress"]


async def test_a_caseworker_must_name_the_party(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await c.build_world(engine, issuer.url)
    async with running_api(engine, issuer.url) as api:
        payload = await _update(api, c.token(issuer, "wa"), phone="5125550123")
    assert _errors(payload) == [("REQUIRED", "partyId")]


REFUSED: dict[str, tuple[str, str | None, list[tuple[str, str | None]], str]] = {
    # who, whose partyId ("mia", "bad", or None), the errors, the audit outcome
    "another parent naming Mia": ("ned", "mia", [("NOT_FOUND", "partyId")], "denied"),
    "a partner agency": ("partner", "mia", [("FORBIDDEN", None)], "denied"),
    "a partner agency for itself": ("partner", None, [("FORBIDDEN", None)], "denied"),
    "a caseworker of another office": (
        "wb",
        "ned",
        [("NOT_FOUND", "partyId")],
        "denied",
    ),
    "a caseworker naming no party ID": (
        "wa",
        "bad",
        [("NOT_FOUND", "partyId")],
        "denied",
    ),
}


@pytest.mark.parametrize("kind", REFUSED)
async def test_callers_who_may_not_change_the_details_are_refused(
    engine: AsyncEngine, issuer: TestIssuer, kind: str
) -> None:
    world = await c.build_world(engine, issuer.url)
    who, whose, expected, outcome = REFUSED[kind]
    party_id = {
        "mia": world.party_id(world.mia),
        "ned": world.party_id(world.ned),
        "bad": world.child_id(world.ann),
        None: None,
    }[whose]
    before = await c.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        payload = await _update(
            api,
            c.token(issuer, who),
            partyId=party_id,
            mailingAddress=NEW_ADDRESS,
            email=NEW_EMAIL,
        )

    assert _errors(payload) == expected
    assert (payload["viewer"], payload["party"]) == (None, None)
    assert await c.snapshot(engine) == before
    (audit,) = await _audits(engine, "update_contact_information")
    assert audit["outcome"] == outcome


async def test_the_caseworker_of_another_office_gets_the_answer_of_a_missing_party(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await c.build_world(engine, issuer.url)
    async with running_api(engine, issuer.url) as api:
        wb = c.token(issuer, "wb")
        hidden = await api.post(
            UPDATE, wb, input={"version": 1, "partyId": world.party_id(world.ned)}
        )
        missing = await api.post(
            UPDATE, wb, input={"version": 1, "partyId": world.party_id(10**12)}
        )
    assert hidden.content == missing.content


async def test_the_code_is_in_no_audit_row_and_no_log(
    engine: AsyncEngine, issuer: TestIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    await c.build_world(engine, issuer.url)
    mia = c.token(issuer, "mia")
    # everything, SQL statements too (as an operator debugging would log)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")

    async with running_api(engine, issuer.url) as api:
        await _update(api, mia, email=NEW_EMAIL, phone="5125550123")
        outbox = await c.outbox(engine)
        codes = {
            c.code_in(row["body"])
            for row in outbox
            if row["destination"] in (STORED_NEW_EMAIL, "+15125550123")
        }
        for code in codes:
            await _confirm(api, mia, CONFIRM_EMAIL, code)
            await _confirm(api, mia, CONFIRM_PHONE, code)

    assert len(codes) == 2
    assert any(rec.name.startswith("sqlalchemy.engine") for rec in caplog.records)
    audits = str(await r.audit_rows(engine))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    logged += "\n".join(str(record.args) for record in caplog.records)
    for code in codes:
        assert code not in audits
        assert code not in logged
