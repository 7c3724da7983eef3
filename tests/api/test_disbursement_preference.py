"""updateDisbursementPreference through the app: an obligee (or caretaker, or
their caseworker) chooses direct deposit or a prepaid card; only the account's
last four digits can ever be read back; a stale version is a conflict; every
change raises a security alert; everyone else is refused with nothing
written."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from domain.card_numbers import luhn_valid
from domain.digests import keyed_digest
from tests.support import factories as f
from tests.support.api import TEST_DIGEST_KEY, Api, running_api
from tests.support.issuer import TestIssuer
from tests.support.messaging import World, audit_of, build, snapshot

UPDATE = """
mutation Update($input: UpdateDisbursementPreferenceInput!) {
  updateDisbursementPreference(input: $input) {
    disbursementPreference {
      method accountLast4 routingNumber accountType version updatedAt
    }
    errors { code field message }
  }
}
"""
READ_BACK = """
{
  viewer {
    disbursementPreference {
      method accountLast4 routingNumber accountType version updatedAt
    }
  }
}
"""

ROUTING = "021000021"
ACCOUNT = "000123456789"
ACTION = "update_disbursement_preference"
TABLES = (m.DisbursementPreference, m.OutboxEvent, m.Case)


@pytest.fixture
async def world(engine: AsyncEngine, issuer: TestIssuer) -> World:
    return await build(engine, issuer)


def deposit(**fields: Any) -> dict[str, Any]:
    return {
        "method": "DIRECT_DEPOSIT",
        "routingNumber": ROUTING,
        "accountNumber": ACCOUNT,
        "accountType": "CHECKING",
    } | fields


async def update(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api.query(UPDATE, token, input=fields)
    return data["updateDisbursementPreference"]  # type: ignore[no-any-return]


async def stored(engine: AsyncEngine, party_id: int) -> Any:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                select(m.DisbursementPreference.__table__).where(
                    m.DisbursementPreference.party_id == party_id
                )
            )
        ).one_or_none()


async def alerts(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list(
            (
                await conn.execute(
                    select(m.OutboxEvent.__table__).order_by(m.OutboxEvent.id)
                )
            ).all()
        )


async def test_an_obligee_chooses_direct_deposit_and_only_the_last_four_read_back(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    # given Dana, who receives support and has no payment method on file
    token = world.token(issuer, "dana")
    before = await snapshot(engine, m.Case)

    async with running_api(engine, issuer.url) as api:
        # when she chooses direct deposit into her checking account
        response = await api.post(UPDATE, token, input=deposit())
        result = response.json()["data"]["updateDisbursementPreference"]
        # then she reads back the method, the bank and the last four digits
        read = await api.query(READ_BACK, token)

    expected = {
        "method": "DIRECT_DEPOSIT",
        "accountLast4": "6789",
        "routingNumber": ROUTING,
        "accountType": "CHECKING",
        "version": 1,
    }
    assert result["errors"] == []
    chosen = result["disbursementPreference"]
    assert {k: v for k, v in chosen.items() if k != "updatedAt"} == expected
    assert read["viewer"]["disbursementPreference"] == chosen
    # and the account number is nowhere: not in the answer, only a digest kept
    assert ACCOUNT not in response.text
    row = await stored(engine, world.dana)
    assert row.account_digest == keyed_digest(
        TEST_DIGEST_KEY.encode(), "bank_account", f"{ROUTING}:{ACCOUNT}"
    )
    assert not any(ACCOUNT in str(value) for value in row)
    assert (row.account_last4, row.routing_number, row.version) == ("6789", ROUTING, 1)
    # and a security alert went to her e-mail, saying nothing of the account
    (alert,) = await alerts(engine)
    assert (alert.party_id, alert.topic, alert.channel) == (
        world.dana,
        "security_alert",
        "email",
    )
    assert "6789" not in alert.body + alert.subject
    assert ROUTING not in alert.body + alert.subject
    assert "changed" in alert.subject
    # and her case shows a change; the audit says what, never the numbers
    after = await snapshot(engine, m.Case)
    changed = [
        a for a, b in zip(after["cases"], before["cases"], strict=True) if a != b
    ]
    assert [c[0] for c in changed] == [world.case1]
    (audit,) = await audit_of(engine, ACTION)
    assert (audit["outcome"], audit["object_type"], audit["object_id"]) == (
        "succeeded",
        "Party",
        world.dana,
    )
    assert audit["detail"] == {"method": "direct_deposit", "version": 1}
    assert ACCOUNT not in str(audit)
    assert ROUTING not in str(audit)


async def test_an_account_number_that_passes_the_card_check_is_accepted(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    # given an account number of 16 digits that happens to pass Luhn, as one
    # bank account number in ten does
    account = "4000123412341234"
    assert luhn_valid(account)
    # when the obligee chooses direct deposit to it
    async with running_api(engine, issuer.url) as api:
        result = await update(
            api, world.token(issuer, "dana"), **deposit(accountNumber=account)
        )
    # then it is kept as any account number is: digest and last four only
    assert result["errors"] == []
    assert result["disbursementPreference"]["accountLast4"] == "1234"
    row = await stored(engine, world.dana)
    assert row.account_last4 == "1234"
    assert account not in repr(tuple(row))


async def test_a_change_names_the_version_read_and_a_stale_one_conflicts(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "dana")
    async with running_api(engine, issuer.url) as api:
        # given direct deposit on file (version 1)
        first = await update(api, token, **deposit())
        assert first["errors"] == []
        # when one device switches to a prepaid card, naming version 1
        card = await update(api, token, method="PREPAID_CARD", version=1)
        before = await snapshot(engine, *TABLES)
        # and another device, having read version 1 too, changes the account
        stale = await update(api, token, **deposit(accountNumber="99998888", version=1))
        # and a third sends no version at all
        blind = await update(api, token, **deposit(accountNumber="99998888"))
        read = await api.query(READ_BACK, token)

    # then the card is on file as version 2, bank details gone
    assert card["errors"] == []
    assert card["disbursementPreference"] | {"updatedAt": None} == {
        "method": "PREPAID_CARD",
        "accountLast4": None,
        "routingNumber": None,
        "accountType": None,
        "version": 2,
        "updatedAt": None,
    }
    row = await stored(engine, world.dana)
    assert row.account_digest is None
    # and the stale and blind changes were refused, changing nothing
    assert stale == {
        "disbursementPreference": None,
        "errors": [
            {
                "code": "CONFLICT",
                "field": "version",
                "message": (
                    "Your payment method was changed elsewhere since you read "
                    "it: reload and try again."
                ),
            }
        ],
    }
    assert [(e["code"], e["field"]) for e in blind["errors"]] == [
        ("REQUIRED", "version")
    ]
    assert await snapshot(engine, *TABLES) == before
    assert read["viewer"]["disbursementPreference"]["version"] == 2
    outcomes = [(a["outcome"], a["detail"]) for a in await audit_of(engine, ACTION)]
    assert outcomes == [
        ("succeeded", {"method": "direct_deposit", "version": 1}),
        ("succeeded", {"method": "prepaid_card", "version": 2}),
        ("failed", {"errors": ["conflict"]}),
        ("failed", {"errors": ["required"]}),
    ]


async def test_a_version_for_a_method_never_chosen_conflicts(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    async with running_api(engine, issuer.url) as api:
        result = await update(api, world.token(issuer, "dana"), **deposit(version=1))
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("CONFLICT", "version")
    ]
    assert await stored(engine, world.dana) is None


async def test_concurrent_changes_from_one_version_one_wins(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "dana")
    async with running_api(engine, issuer.url) as api:
        # given direct deposit on file (version 1)
        assert (await update(api, token, **deposit()))["errors"] == []
        # when eight devices change it at once, all from version 1
        results = await asyncio.gather(
            *(
                update(api, token, **deposit(accountNumber=f"5555000{n}", version=1))
                for n in range(8)
            )
        )

    # then exactly one wins, the others conflict; version 2 holds the winner's
    codes = sorted(
        "ok" if r["errors"] == [] else r["errors"][0]["code"] for r in results
    )
    assert codes == ["CONFLICT"] * 7 + ["ok"]
    (winner,) = [r for r in results if r["errors"] == []]
    row = await stored(engine, world.dana)
    assert row.version == 2
    assert row.account_last4 == winner["disbursementPreference"]["accountLast4"]
    # and two alerts were queued: one per change that happened
    assert len(await alerts(engine)) == 2


async def test_concurrent_first_choices_one_wins(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    token = world.token(issuer, "dana")
    async with running_api(engine, issuer.url) as api:
        # when five devices make the first choice at once
        results = await asyncio.gather(
            *(
                update(api, token, **deposit(accountNumber=f"7777000{n}"))
                for n in range(5)
            )
        )
    codes = sorted(
        "ok" if r["errors"] == [] else r["errors"][0]["code"] for r in results
    )
    # then one is stored, the others were told to reload
    assert codes == ["CONFLICT"] * 4 + ["ok"]
    assert (await stored(engine, world.dana)).version == 1
    assert len(await alerts(engine)) == 1


INVALID_INPUTS: dict[str, tuple[dict[str, Any], list[tuple[str, str | None]]]] = {
    "routing number failing its check digit": (
        deposit(routingNumber="021000022"),
        [("INVALID", "routingNumber")],
    ),
    "routing number of eight digits": (
        deposit(routingNumber="02100002"),
        [("INVALID", "routingNumber")],
    ),
    "routing number with a letter": (
        deposit(routingNumber="02100002x"),
        [("INVALID", "routingNumber")],
    ),
    "routing number no deposit reaches": (
        deposit(routingNumber="000000000"),
        [("INVALID", "routingNumber")],
    ),
    "account number of three digits": (
        deposit(accountNumber="123"),
        [("INVALID", "accountNumber")],
    ),
    "account number of eighteen digits": (
        deposit(accountNumber="1" * 18),
        [("INVALID", "accountNumber")],
    ),
    "account number with a hyphen": (
        deposit(accountNumber="1234-5678"),
        [("INVALID", "accountNumber")],
    ),
    "no routing number": (
        deposit(routingNumber=None),
        [("REQUIRED", "routingNumber")],
    ),
    "blank account number": (
        deposit(accountNumber="   "),
        [("REQUIRED", "accountNumber")],
    ),
    "both missing": (
        {"method": "DIRECT_DEPOSIT"},
        [("REQUIRED", "routingNumber"), ("REQUIRED", "accountNumber")],
    ),
    "prepaid card with bank details": (
        {"method": "PREPAID_CARD", "routingNumber": ROUTING},
        [("INVALID", "routingNumber")],
    ),
    "a card number as the routing number": (
        deposit(routingNumber="4111 1111 1111 1111"),
        [("CARD_NUMBER_NOT_ALLOWED", "routingNumber")],
    ),
}


@pytest.mark.parametrize("case", INVALID_INPUTS, ids=list(INVALID_INPUTS))
async def test_invalid_input_is_refused_and_changes_nothing(
    engine: AsyncEngine, issuer: TestIssuer, world: World, case: str
) -> None:
    fields, expected = INVALID_INPUTS[case]
    before = await snapshot(engine, *TABLES)
    async with running_api(engine, issuer.url) as api:
        response = await api.post(UPDATE, world.token(issuer, "dana"), input=fields)
    result = response.json()["data"]["updateDisbursementPreference"]
    assert result["disbursementPreference"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == expected
    assert all(e["message"] for e in result["errors"])
    assert "4111" not in response.text
    assert await snapshot(engine, *TABLES) == before
    (audit,) = await audit_of(engine, ACTION)
    assert audit["outcome"] == "failed"
    assert audit["detail"] == {"errors": sorted({code.lower() for code, _ in expected})}


REFUSED: dict[str, tuple[str, str | None, str, str | None]] = {
    # who, whose party id they name, the code, the field
    "the obligor, who only pays": ("oscar", None, "FORBIDDEN", None),
    "another parent naming Dana": ("erin", "dana", "NOT_FOUND", "partyId"),
    "a partner agency": ("partner", "dana", "FORBIDDEN", None),
    "a caseworker of another office": ("other-worker", "dana", "NOT_FOUND", "partyId"),
    "a caseworker for the obligor": ("worker", "oscar", "NOT_FOUND", "partyId"),
    "a caseworker naming nobody": ("worker", None, "REQUIRED", "partyId"),
    "a caseworker naming a case, not a party": (
        "worker",
        "case",
        "NOT_FOUND",
        "partyId",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
async def test_callers_who_may_not_choose_are_refused_and_nothing_changes(
    engine: AsyncEngine, issuer: TestIssuer, world: World, case: str
) -> None:
    login, named, code, field = REFUSED[case]
    fields = deposit()
    if named == "case":
        from loaders import ids

        fields["partyId"] = ids.encode("Case", world.case1)
    elif named is not None:
        fields["partyId"] = world.party_gid(getattr(world, named))
    before = await snapshot(engine, *TABLES)
    async with running_api(engine, issuer.url) as api:
        result = await update(api, world.token(issuer, login), **fields)
    assert result["disbursementPreference"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]
    assert await snapshot(engine, *TABLES) == before
    (audit,) = await audit_of(engine, ACTION)
    assert audit["outcome"] == ("failed" if code == "REQUIRED" else "denied")
    assert audit["case_id"] is None


async def test_a_caseworker_chooses_for_an_obligee_of_the_office(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    # when Dana's caseworker records her choice of a prepaid card
    async with running_api(engine, issuer.url) as api:
        result = await update(
            api,
            world.token(issuer, "worker"),
            method="PREPAID_CARD",
            partyId=world.party_gid(world.dana),
        )
        read = await api.query(READ_BACK, world.token(issuer, "dana"))

    # then Dana reads it, was alerted, and the audit names both
    assert result["errors"] == []
    assert read["viewer"]["disbursementPreference"]["method"] == "PREPAID_CARD"
    (alert,) = await alerts(engine)
    assert (alert.party_id, alert.topic) == (world.dana, "security_alert")
    (audit,) = await audit_of(engine, ACTION)
    assert (audit["actor_kind"], audit["actor_id"]) == ("staff", world.worker)
    assert audit["detail"] == {
        "method": "prepaid_card",
        "version": 1,
        "for_party": world.dana,
    }


async def test_a_caretaker_chooses_too(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    async with running_api(engine, issuer.url) as api:
        result = await update(api, world.token(issuer, "carl"), **deposit())
    assert result["errors"] == []
    assert (await stored(engine, world.carl)).account_last4 == "6789"


async def test_a_method_on_file_from_before_is_changed_with_its_version(
    engine: AsyncEngine, issuer: TestIssuer, world: World
) -> None:
    # given a prepaid card on file from before (no bank details, version 1)
    async with engine.begin() as conn:
        await f.add(
            conn,
            m.DisbursementPreference,
            party_id=world.dana,
            method="prepaid_card",
            account_last4="4321",
        )
    token = world.token(issuer, "dana")
    async with running_api(engine, issuer.url) as api:
        before = await api.query(READ_BACK, token)
        # when she keeps the card (the same choice again)
        same = await update(api, token, method="PREPAID_CARD", version=1)
        # and then moves to direct deposit
        moved = await update(api, token, **deposit(version=2, accountType=None))

    assert before["viewer"]["disbursementPreference"]["accountLast4"] == "4321"
    # then the card keeps its last four digits; the deposit shows the account's
    assert same["disbursementPreference"]["accountLast4"] == "4321"
    assert same["disbursementPreference"]["version"] == 2
    assert moved["errors"] == []
    assert moved["disbursementPreference"]["accountLast4"] == "6789"
    assert moved["disbursementPreference"]["accountType"] is None
    assert moved["disbursementPreference"]["version"] == 3
    assert len(await alerts(engine)) == 2
