"""updateNotificationPreferences through the app: a parent (or their
caseworker) turns notifications on and off, reads back every topic on every
channel, and every refusal changes nothing and is audited."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from loaders import ids
from tests.support import factories as f
from tests.support import notifications as n
from tests.support import roles as r
from tests.support.api import Api, running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer

UPDATE = """
mutation Update($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { topic channel enabled mandatory optedIn updatedAt }
    errors { code field message }
  }
}
"""
VIEWER_PREFERENCES = """
{ viewer { notificationPreferences {
    topic channel enabled mandatory optedIn updatedAt
} } }
"""

TOPICS = (
    "PAYMENT_RECEIVED",
    "PAYMENT_DISBURSED",
    "CASE_UPDATE",
    "COURT_DATE",
    "NEW_MESSAGE",
    "SECURITY_ALERT",
)
ACTION = "update_notification_preferences"
TABLES = (m.NotificationPreference, m.OutboxEvent, m.Party)


@dataclass(frozen=True)
class World:
    pat: int  # obligee, phone confirmed
    olly: int  # obligor, phone not confirmed
    partner: int


async def _world(engine: AsyncEngine, issuer: TestIssuer) -> World:
    """Pat and Olly on a case of office A; a caseworker in office A and one
    in office B; a partner agency the case is shared with."""
    async with engine.begin() as conn:
        office_a = await f.agency(conn)
        office_b = await f.agency(conn, county="Bexar")
        worker_a = await f.staff(conn, office_a)
        worker_b = await f.staff(conn, office_b)
        case_id = await f.case(conn, office_a, worker_a)
        pat = await n.reachable_party(conn, first_name="Pat")
        olly = await n.reachable_party(conn, first_name="Olly", phone_confirmed=False)
        await r.on_case(conn, case_id, pat, "obligee")
        await r.on_case(conn, case_id, olly, "obligor")
        partner = await r.partner(conn, code="OK-CSS")
        await r.share(conn, partner, case_id, ["case:read", "pii:read"])
        await link(conn, issuer.url, "pat", pat)
        await link(conn, issuer.url, "olly", olly)
        await r.link_staff(conn, issuer.url, "worker-a", worker_a)
        await r.link_staff(conn, issuer.url, "worker-b", worker_b)
        await r.link_agency(conn, issuer.url, "OK-CSS", partner)
    return World(pat, olly, partner)


def item(topic: str, channel: str, enabled: bool) -> dict[str, Any]:
    return {"topic": topic, "channel": channel, "enabled": enabled}


def defaults() -> dict[tuple[str, str], bool]:
    """Every topic and channel as a party who never chose gets them."""
    return {(t, c): c == "EMAIL" for t in TOPICS for c in ("EMAIL", "SMS")}


def enabled_map(preferences: list[dict[str, Any]]) -> dict[tuple[str, str], bool]:
    return {(p["topic"], p["channel"]): p["enabled"] for p in preferences}


async def update(
    api: Api, token: str, items: list[dict[str, Any]], party_id: str | None = None
) -> dict[str, Any]:
    variables: dict[str, Any] = {"preferences": items}
    if party_id is not None:
        variables["partyId"] = party_id
    data = await api.query(UPDATE, token, input=variables)
    return data["updateNotificationPreferences"]  # type: ignore[no-any-return]


async def viewer_preferences(api: Api, token: str) -> list[dict[str, Any]]:
    data = await api.query(VIEWER_PREFERENCES, token)
    return data["viewer"]["notificationPreferences"]  # type: ignore[no-any-return]


async def audit_of(engine: AsyncEngine) -> list[dict[str, Any]]:
    return [row for row in await r.audit_rows(engine) if row["action"] == ACTION]


async def test_a_party_who_never_chose_reads_every_topic_and_channel_as_default(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await _world(engine, issuer)
    async with running_api(engine, issuer.url) as api:
        preferences = await viewer_preferences(api, issuer.mint("olly"))

    assert [(p["topic"], p["channel"]) for p in preferences] == [
        (t, c) for t in TOPICS for c in ("EMAIL", "SMS")
    ]
    assert enabled_map(preferences) == defaults()
    assert all(p["optedIn"] == p["enabled"] for p in preferences)
    assert all(p["updatedAt"] is None for p in preferences)
    mandatory = {(p["topic"], p["channel"]) for p in preferences if p["mandatory"]}
    assert mandatory == {("SECURITY_ALERT", "EMAIL")}


async def test_a_parent_changes_preferences_and_reads_the_full_set_back(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Pat, whose phone is confirmed
    world = await _world(engine, issuer)
    token = issuer.mint("pat")
    async with running_api(engine, issuer.url) as api:
        # when she turns texts on for payments received, case e-mails off,
        # and says yes to security alerts by e-mail
        payload = await update(
            api,
            token,
            [
                item("PAYMENT_RECEIVED", "SMS", True),
                item("CASE_UPDATE", "EMAIL", False),
                item("SECURITY_ALERT", "EMAIL", True),
            ],
        )
        read_back = await viewer_preferences(api, token)
        # and later turns case e-mails back on, repeating the texts choice
        again = await update(
            api,
            token,
            [
                item("CASE_UPDATE", "EMAIL", True),
                item("PAYMENT_RECEIVED", "SMS", True),
            ],
        )

    # then the payload is the full resulting set, defaults filled in
    expected = defaults() | {
        ("PAYMENT_RECEIVED", "SMS"): True,
        ("CASE_UPDATE", "EMAIL"): False,
    }
    assert payload["errors"] == []
    assert enabled_map(payload["preferences"]) == expected
    assert len(payload["preferences"]) == 12
    # and the viewer reads exactly the same
    assert read_back == payload["preferences"]
    changed = {(p["topic"], p["channel"]) for p in read_back if p["updatedAt"]}
    assert changed == {
        ("PAYMENT_RECEIVED", "SMS"),
        ("CASE_UPDATE", "EMAIL"),
        ("SECURITY_ALERT", "EMAIL"),
    }
    # and the second change moved only what changed
    assert enabled_map(again["preferences"]) == expected | {
        ("CASE_UPDATE", "EMAIL"): True
    }
    before = {(p["topic"], p["channel"]): p["updatedAt"] for p in read_back}
    after = {(p["topic"], p["channel"]): p["updatedAt"] for p in again["preferences"]}
    assert after[("PAYMENT_RECEIVED", "SMS")] == before[("PAYMENT_RECEIVED", "SMS")]
    assert after[("CASE_UPDATE", "EMAIL")] > before[("CASE_UPDATE", "EMAIL")]
    # and the table holds the three choices made
    stored = (await n.table_rows(engine, m.NotificationPreference))[
        "notification_preferences"
    ]
    assert sorted((row[1], row[2].value, row[3].value, row[4]) for row in stored) == [
        (world.pat, "case_update", "email", True),
        (world.pat, "payment_received", "sms", True),
        (world.pat, "security_alert", "email", True),
    ]
    # and both changes are audited as Pat's own
    audits = await audit_of(engine)
    assert [(a["outcome"].value, a["actor_kind"].value) for a in audits] == [
        ("succeeded", "party"),
        ("succeeded", "party"),
    ]
    assert audits[0]["object_type"] == "Party"
    assert audits[0]["object_id"] == world.pat
    assert audits[0]["fields"] == ["notificationPreferences"]
    assert audits[0]["detail"] == {
        "preferences": [
            "payment_received/sms:on",
            "case_update/email:off",
            "security_alert/email:on",
        ]
    }


async def test_turning_texts_off_needs_no_confirmed_phone(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await _world(engine, issuer)
    async with running_api(engine, issuer.url) as api:
        payload = await update(
            api, issuer.mint("olly"), [item("COURT_DATE", "SMS", False)]
        )
    assert payload["errors"] == []
    assert enabled_map(payload["preferences"]) == defaults()


INVALID_CHANGES = {
    "empty": ("pat", [], [("REQUIRED", "preferences")]),
    "too many": (
        "pat",
        [item(t, c, True) for t in TOPICS for c in ("EMAIL", "SMS")]
        + [item("COURT_DATE", "EMAIL", True)],
        [("INVALID", "preferences")],
    ),
    "duplicate": (
        "pat",
        [item("NEW_MESSAGE", "EMAIL", True), item("NEW_MESSAGE", "EMAIL", False)],
        [("DUPLICATE", "preferences[1]")],
    ),
    "security alerts by e-mail off": (
        "pat",
        [item("CASE_UPDATE", "EMAIL", False), item("SECURITY_ALERT", "EMAIL", False)],
        [("MANDATORY", "preferences[1].enabled")],
    ),
    "texts without a confirmed phone": (
        "olly",
        [
            item("PAYMENT_RECEIVED", "EMAIL", False),
            item("PAYMENT_DISBURSED", "EMAIL", True),
            item("PAYMENT_RECEIVED", "SMS", True),
        ],
        [("PHONE_NOT_CONFIRMED", "preferences[2].channel")],
    ),
    "several at once": (
        "olly",
        [
            item("SECURITY_ALERT", "EMAIL", False),
            item("NEW_MESSAGE", "SMS", True),
            item("SECURITY_ALERT", "EMAIL", True),
        ],
        [
            ("MANDATORY", "preferences[0].enabled"),
            ("PHONE_NOT_CONFIRMED", "preferences[1].channel"),
            ("DUPLICATE", "preferences[2]"),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID_CHANGES))
async def test_an_invalid_change_changes_nothing_and_is_audited(
    engine: AsyncEngine, issuer: TestIssuer, case: str
) -> None:
    # given the parties, one of whom already chose something
    world = await _world(engine, issuer)
    who, items, expected = INVALID_CHANGES[case]
    async with engine.begin() as conn:
        await f.add(
            conn,
            m.NotificationPreference,
            party_id=world.olly,
            topic="court_date",
            channel="email",
            opted_in=False,
        )
    before = await n.table_rows(engine, *TABLES)
    async with running_api(engine, issuer.url) as api:
        # when the change is refused
        payload = await update(api, issuer.mint(who), items)
        preferences = await viewer_preferences(api, issuer.mint("olly"))

    # then every reason is given on its item, and nothing else is returned
    assert [(e["code"], e["field"]) for e in payload["errors"]] == expected
    assert all(e["message"] for e in payload["errors"])
    assert payload["preferences"] is None
    # and nothing was written
    assert await n.table_rows(engine, *TABLES) == before
    assert enabled_map(preferences)[("COURT_DATE", "EMAIL")] is False
    # and the refusal is audited
    party = world.pat if who == "pat" else world.olly
    audits = await audit_of(engine)
    assert [(a["outcome"].value, a["object_id"]) for a in audits] == [("failed", party)]
    assert audits[0]["detail"] == {
        "errors": sorted({code.lower() for code, _ in expected})
    }


UNAUTHORIZED = {
    # caller, partyId (a key of World, or a raw value), expected error
    "another parent names Pat": ("olly", "pat", ("NOT_FOUND", "partyId"), "denied"),
    "a parent names a case, not a party": (
        "olly",
        ids.encode("Case", 1),
        ("NOT_FOUND", "partyId"),
        "denied",
    ),
    "a parent names garbage": ("olly", "not-an-id", ("NOT_FOUND", "partyId"), "denied"),
    "a caseworker of another office": (
        "worker-b",
        "pat",
        ("NOT_FOUND", "partyId"),
        "denied",
    ),
    "a caseworker naming nobody": ("worker-a", None, ("REQUIRED", "partyId"), "failed"),
    "a partner agency": ("OK-CSS", "pat", ("FORBIDDEN", None), "denied"),
}


@pytest.mark.parametrize("case", sorted(UNAUTHORIZED))
async def test_callers_who_may_not_change_pat_s_preferences_change_nothing(
    engine: AsyncEngine, issuer: TestIssuer, case: str
) -> None:
    world = await _world(engine, issuer)
    caller, named, error, outcome = UNAUTHORIZED[case]
    party_id = ids.encode("Party", world.pat) if named == "pat" else named
    token = (
        r.partner_token(issuer, caller) if caller == "OK-CSS" else issuer.mint(caller)
    )
    before = await n.table_rows(engine, *TABLES)
    async with running_api(engine, issuer.url) as api:
        payload = await update(
            api, token, [item("CASE_UPDATE", "EMAIL", False)], party_id
        )

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [error]
    assert payload["preferences"] is None
    assert await n.table_rows(engine, *TABLES) == before
    audits = await audit_of(engine)
    assert [a["outcome"].value for a in audits] == [outcome]
    if named == "pat":
        assert audits[0]["object_id"] == world.pat


async def test_a_caseworker_of_the_office_acts_for_pat_and_is_recorded(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await _world(engine, issuer)
    async with running_api(engine, issuer.url) as api:
        payload = await update(
            api,
            issuer.mint("worker-a"),
            [item("COURT_DATE", "SMS", True)],
            ids.encode("Party", world.pat),
        )
        pats_view = await viewer_preferences(api, issuer.mint("pat"))

    assert payload["errors"] == []
    assert enabled_map(pats_view) == defaults() | {("COURT_DATE", "SMS"): True}
    assert pats_view == payload["preferences"]
    audits = await audit_of(engine)
    assert [(a["outcome"].value, a["actor_kind"].value) for a in audits] == [
        ("succeeded", "staff")
    ]
    assert audits[0]["object_id"] == world.pat
    assert audits[0]["detail"] == {
        "preferences": ["court_date/sms:on"],
        "for_party": world.pat,
    }


async def test_concurrent_changes_never_deadlock_and_one_of_them_wins_whole(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given eight devices of Pat's, each setting all twelve preferences to
    # its own values, in its own order
    await _world(engine, issuer)
    token = issuer.mint("pat")
    changes: list[list[dict[str, Any]]] = []
    for device in range(8):
        items = [
            item(t, c, (t, c) == ("SECURITY_ALERT", "EMAIL") or (i + device) % 3 == 0)
            for i, (t, c) in enumerate((t, c) for t in TOPICS for c in ("EMAIL", "SMS"))
        ]
        changes.append(items if device % 2 else items[::-1])

    async with running_api(engine, issuer.url) as api:
        # when they all send at once
        payloads = await asyncio.gather(
            *(update(api, token, items) for items in changes)
        )
        final = await viewer_preferences(api, token)

    # then every change succeeded, and what is stored is one change, whole
    assert all(p["errors"] == [] for p in payloads)
    submitted = [{(i["topic"], i["channel"]): i["enabled"] for i in c} for c in changes]
    assert enabled_map(final) in submitted
