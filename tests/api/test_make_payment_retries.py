"""makePayment and the real world: retries, idempotency keys, 20 identical
requests at once, declines, a processor that times out or is down, and the
reconciliation that settles what was left pending. Never a second charge."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from loaders import ids
from payments.idempotency import forget_expired
from payments.reconcile import reconcile
from settings import Settings
from tests.api.test_make_payment import pay, pay_input, without_audit
from tests.support import payments as p
from tests.support.api import running_api
from tests.support.issuer import TestIssuer

#: Short enough for tests, long enough for the sandbox to answer otherwise.
TIMEOUT_SECONDS = 0.5
TIMEOUT: dict[str, Any] = {"payment_processor_timeout_seconds": TIMEOUT_SECONDS}


def audit_details(rows: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(a["outcome"], a["detail"]) for a in rows if a["action"] == "make_payment"]


# -- idempotency -------------------------------------------------------------


async def test_the_same_key_and_input_answers_with_the_first_payment(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a payment made with key "key-1"
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    async with running_api(engine, issuer.url) as api:
        first = await pay(api, token, **pay_input(world))
        # when the same request is sent again (the amount spelled otherwise)
        again = await pay(api, token, **pay_input(world, amount="600"))

    # then it answers with the first payment: one payment, one charge
    assert again == first
    assert len(await p.rows(engine, m.Payment)) == 1
    assert len(await p.rows(engine, m.SandboxCharge)) == 1
    collections = [
        e
        for e in await p.rows(engine, m.LedgerEntry)
        if e["entry_type"] == "collection"
    ]
    assert len(collections) == 1
    # and the replay is audited as one
    audits = audit_details(await p.rows(engine, m.AuditEvent))
    assert [detail.get("replayed", False) for _, detail in audits] == [False, True]


async def test_the_same_key_with_other_input_is_refused(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a payment made with key "key-1"
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    async with running_api(engine, issuer.url) as api:
        await pay(api, token, **pay_input(world))
    before = await p.snapshot(engine)

    # when the key is sent with another amount
    async with running_api(engine, issuer.url) as api:
        reused = await pay(api, token, **pay_input(world, amount="10.00"))

    # then it is refused and nothing changes but the audit log
    assert [(e["code"], e["field"]) for e in reused["errors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", "idempotencyKey")
    ]
    assert reused["payment"] is None
    after = await p.snapshot(engine)
    assert without_audit(after) == without_audit(before)
    added = after["audit_events"][len(before["audit_events"]) :]
    assert [(a["case_id"], a["outcome"], a["detail"]) for a in added] == [
        (world.case_id, "failed", {"errors": ["idempotency_key_reused"]})
    ]


async def test_keys_belong_to_their_caller(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Olly paid with key "key-1"
    world = await p.pay_world(engine, issuer.url)
    async with running_api(engine, issuer.url) as api:
        await pay(api, issuer.mint("olly"), **pay_input(world))
        # when his caseworker pays for him with the same key and other input
        staff = await pay(
            api, issuer.mint("worker-a"), **pay_input(world, amount="10.00")
        )

    # then it is a payment of its own
    assert staff["errors"] == []
    assert len(await p.rows(engine, m.Payment)) == 2


async def test_an_expired_key_may_be_used_again(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a payment made with key "key-1" whose key has expired
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    async with running_api(engine, issuer.url) as api:
        first = await pay(api, token, **pay_input(world, amount="10.00"))
    async with engine.begin() as conn:
        await conn.execute(
            update(m.IdempotencyKey).values(expires_at=m.IdempotencyKey.created_at)
        )

    # when the key is used for another payment
    async with running_api(engine, issuer.url) as api:
        second = await pay(api, token, **pay_input(world, amount="20.00"))

    # then it is a new payment, and the key now names it
    assert second["errors"] == []
    assert second["payment"]["id"] != first["payment"]["id"]
    assert second["payment"]["amount"] == "20.00"
    [key] = await p.rows(engine, m.IdempotencyKey)
    assert key["key"] == "key-1"
    assert key["payment_id"] == max(r["id"] for r in await p.rows(engine, m.Payment))


async def test_naming_oneself_on_a_retry_is_the_same_request(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a payment Olly made without naming a party
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    async with running_api(engine, issuer.url) as api:
        first = await pay(api, token, **pay_input(world))
        # when he retries it naming himself as the party
        again = await pay(
            api,
            token,
            **pay_input(world, partyId=ids.encode("Party", world.obligor_id)),
        )

    # then it is the same payment, not a reused key
    assert again["errors"] == []
    assert again["payment"]["id"] == first["payment"]["id"]
    assert len(await p.rows(engine, m.SandboxCharge)) == 1


async def test_a_key_naming_a_pending_payment_outlives_its_expiry(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a payment left pending by a processor that charged but answered
    # too late, and its key past its expiry (no reconciliation ran meanwhile)
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    fields = pay_input(world, paymentMethodToken="tok_sandbox_timeout")
    async with running_api(engine, issuer.url, **TIMEOUT) as api:
        pending = await pay(api, token, **fields)
    async with engine.begin() as conn:
        await conn.execute(
            update(m.IdempotencyKey).values(expires_at=m.IdempotencyKey.created_at)
        )
        # when expired keys are cleared up
        forgotten = await forget_expired(conn)

    # and the same request is sent again
    async with running_api(engine, issuer.url, **TIMEOUT) as api:
        retried = await pay(api, token, **fields)

    # then the key still named the pending payment: the retry settles it from
    # the processor's one charge instead of charging again
    assert forgotten == 0
    assert [e["code"] for e in pending["errors"]] == ["PAYMENT_PENDING"]
    assert retried["payment"]["id"] == pending["payment"]["id"]
    assert retried["payment"]["status"] == "POSTED"
    assert len(await p.rows(engine, m.Payment)) == 1
    assert len(await p.rows(engine, m.SandboxCharge)) == 1


async def test_a_key_lasts_as_long_as_the_setting_says(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await p.pay_world(engine, issuer.url)
    async with running_api(engine, issuer.url, idempotency_key_ttl_hours=48) as api:
        await pay(api, issuer.mint("olly"), **pay_input(world))
    [key] = await p.rows(engine, m.IdempotencyKey)
    assert (key["expires_at"] - key["created_at"]).total_seconds() == 48 * 3600


async def test_twenty_identical_requests_at_once_pay_once(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Olly's order, and a processor that takes a moment to answer
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")

    async with running_api(
        engine, issuer.url, sandbox_processor_delay_seconds=0.3
    ) as api:
        # when the same payment is sent 20 times at once
        results = await asyncio.gather(
            *(pay(api, token, **pay_input(world)) for _ in range(20))
        )

    # then there is one payment, one charge, one collection, and every
    # answer is that payment, posted
    assert len(await p.rows(engine, m.Payment)) == 1
    assert len(await p.rows(engine, m.SandboxCharge)) == 1
    assert len(await p.rows(engine, m.IdempotencyKey)) == 1
    ledger = await p.rows(engine, m.LedgerEntry)
    assert Counter(e["entry_type"] for e in ledger if e["payment_id"]) == {
        "collection": 1,
        "allocation": 3,
    }
    assert {r["payment"]["id"] for r in results} == {results[0]["payment"]["id"]}
    assert {r["payment"]["status"] for r in results} == {"POSTED"}
    assert {r["order"]["balance"]["totalOwed"] for r in results} == {"350.00"}
    assert all(r["errors"] == [] for r in results)
    audits = audit_details(await p.rows(engine, m.AuditEvent))
    assert Counter(bool(detail.get("replayed")) for _, detail in audits) == {
        False: 1,
        True: 19,
    }


# -- declines and no answers -------------------------------------------------


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("tok_sandbox_insufficient_funds", "INSUFFICIENT_FUNDS"),
        ("tok_sandbox_expired_card", "EXPIRED_CARD"),
        ("tok_sandbox_declined", "CARD_DECLINED"),
        ("tok_live_something", "INVALID_PAYMENT_METHOD"),
    ],
)
async def test_a_declined_payment_fails_and_posts_nothing(
    engine: AsyncEngine, issuer: TestIssuer, token: str, reason: str
) -> None:
    # given Olly's order
    world = await p.pay_world(engine, issuer.url)
    before = await p.snapshot(engine)
    login = issuer.mint("olly")

    async with running_api(engine, issuer.url) as api:
        # when his card is declined (then he sends the same request again)
        result = await pay(api, login, **pay_input(world, paymentMethodToken=token))
        again = await pay(api, login, **pay_input(world, paymentMethodToken=token))

    # then the payment is kept as FAILED, with the reason, and nothing posts
    assert [(e["code"], e["field"], e["declineReason"]) for e in result["errors"]] == [
        ("PAYMENT_DECLINED", "paymentMethodToken", reason)
    ]
    assert result["payment"]["status"] == "FAILED"
    assert result["payment"]["postedOn"] is None
    assert result["payment"]["allocations"] == []
    assert result["order"]["balance"]["totalOwed"] == "950.00"
    assert again == result
    after = await p.snapshot(engine)
    for unchanged in ("ledger_entries", "outbox_events"):
        assert after[unchanged] == before[unchanged]
    # (the case shows a change: a failed payment is in its history)
    assert after["cases"] != before["cases"]
    [row] = after["payments"]
    assert (row["status"], row["failure_code"]) == ("failed", reason.lower())
    [charge] = after["sandbox_charges"]
    assert (charge["status"], charge["decline_reason"]) == ("declined", reason.lower())
    assert [outcome for outcome, _ in audit_details(after["audit_events"])] == [
        "failed",
        "failed",
    ]


async def test_a_timeout_leaves_the_payment_pending_and_a_retry_resolves_it(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a processor that charges but answers too late
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    fields = pay_input(world, paymentMethodToken="tok_sandbox_timeout")

    async with running_api(engine, issuer.url, **TIMEOUT) as api:
        # when Olly pays
        timed_out = await pay(api, token, **fields)
        ledger_then = await p.rows(engine, m.LedgerEntry)
        # and sends the same request again
        retried = await pay(api, token, **fields)

    # then the first answer is PENDING, nothing posted, the card charged once
    assert [e["code"] for e in timed_out["errors"]] == ["PAYMENT_PENDING"]
    assert timed_out["payment"]["status"] == "PENDING"
    assert timed_out["order"]["balance"]["totalOwed"] == "950.00"
    assert [e for e in ledger_then if e["payment_id"]] == []
    # and the retry finds the charge by reference and posts it, charging
    # nothing more
    assert retried["errors"] == []
    assert retried["payment"]["status"] == "POSTED"
    assert retried["payment"]["id"] == timed_out["payment"]["id"]
    assert retried["order"]["balance"]["totalOwed"] == "350.00"
    [charge] = await p.rows(engine, m.SandboxCharge)
    assert charge["reference"] == retried["payment"]["reference"]
    audits = audit_details(await p.rows(engine, m.AuditEvent))
    assert [(o, d["status"], d.get("resumed", False)) for o, d in audits] == [
        ("succeeded", "pending", False),
        ("succeeded", "posted", True),
    ]


async def test_a_request_that_never_reached_the_processor_is_charged_on_retry(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a payment left pending before its charge reached the processor
    # (the processor was too slow to take it within the timeout)
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    async with running_api(
        engine, issuer.url, sandbox_processor_delay_seconds=1.0, **TIMEOUT
    ) as api:
        slow = await pay(api, token, **pay_input(world))
    assert slow["payment"]["status"] == "PENDING"
    assert await p.rows(engine, m.SandboxCharge) == []

    # when the same request is sent again while the processor is quick
    async with running_api(engine, issuer.url, **TIMEOUT) as api:
        retried = await pay(api, token, **pay_input(world))

    # then it is charged once, under the same reference, and posted
    assert retried["payment"]["status"] == "POSTED"
    [charge] = await p.rows(engine, m.SandboxCharge)
    assert charge["reference"] == slow["payment"]["reference"]


async def test_a_processor_that_is_down_leaves_the_payment_pending(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await p.pay_world(engine, issuer.url)
    before = await p.snapshot(engine)
    async with running_api(engine, issuer.url) as api:
        result = await pay(
            api,
            issuer.mint("olly"),
            **pay_input(world, paymentMethodToken="tok_sandbox_unavailable"),
        )
    assert [e["code"] for e in result["errors"]] == ["PROCESSOR_UNAVAILABLE"]
    assert result["payment"]["status"] == "PENDING"
    after = await p.snapshot(engine)
    assert after["ledger_entries"] == before["ledger_entries"]
    assert after["sandbox_charges"] == []
    [row] = after["payments"]
    assert (row["status"], row["failure_code"]) == ("pending", "processor_unavailable")


# -- reconciliation ----------------------------------------------------------


async def _pending_payment(engine: AsyncEngine, issuer: TestIssuer) -> p.PayWorld:
    """Olly's payment of 600.00, charged, left pending by a timeout."""
    world = await p.pay_world(engine, issuer.url)
    async with running_api(engine, issuer.url, **TIMEOUT) as api:
        result = await pay(
            api,
            issuer.mint("olly"),
            **pay_input(world, paymentMethodToken="tok_sandbox_timeout"),
        )
    assert result["payment"]["status"] == "PENDING"
    return world


async def test_reconciliation_posts_a_payment_the_processor_charged(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a charged payment left pending
    world = await _pending_payment(engine, issuer)
    settings = Settings(
        database_url=str(engine.url),
        payment_processor_timeout_seconds=TIMEOUT_SECONDS,
    )

    # when reconciliation runs (twice)
    report = await reconcile(engine, settings, as_of=date.today())
    again = await reconcile(engine, settings, as_of=date.today())

    # then the payment is posted once, with its allocations, and audited as
    # the system's action
    assert (report.posted, report.failed, report.pending) == (1, 0, 0)
    assert (again.posted, again.failed, again.pending) == (0, 0, 0)
    [row] = await p.rows(engine, m.Payment)
    assert row["status"] == "posted"
    ledger = [e for e in await p.rows(engine, m.LedgerEntry) if e["payment_id"]]
    assert sum(e["amount"] for e in ledger if e["entry_type"] == "allocation") == (
        Decimal("600.00")
    )
    assert len(await p.rows(engine, m.SandboxCharge)) == 1
    [audit] = [
        a
        for a in await p.rows(engine, m.AuditEvent)
        if a["action"] == "reconcile_payment"
    ]
    assert (audit["actor_kind"], audit["case_id"], audit["object_id"]) == (
        "system",
        world.case_id,
        row["id"],
    )
    assert audit["detail"]["status"] == "posted"
    # and the payer hears of it
    assert world.obligor_id in {
        e["party_id"] for e in await p.rows(engine, m.OutboxEvent)
    }


async def test_reconciliation_leaves_a_payment_in_flight_alone(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a pending payment whose request is still charging it
    world = await _pending_payment(engine, issuer)
    async with engine.begin() as conn:
        await conn.execute(update(m.Payment).values(failure_code=None))
    settings = Settings(
        database_url=str(engine.url),
        payment_processor_timeout_seconds=TIMEOUT_SECONDS,
    )

    report = await reconcile(engine, settings, as_of=date.today())

    assert (report.posted, report.failed, report.pending) == (0, 0, 0)
    [row] = await p.rows(engine, m.Payment)
    assert row["status"] == "pending"
    assert world.order_id == row["order_id"]


async def test_reconciliation_fails_a_payment_the_processor_never_got(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a payment left pending because the processor was down
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    fields = pay_input(world, paymentMethodToken="tok_sandbox_unavailable")
    async with running_api(engine, issuer.url) as api:
        await pay(api, token, **fields)
    settings = Settings(database_url=str(engine.url))

    # when reconciliation runs soon after, then once it is old enough
    soon = await reconcile(engine, settings, as_of=date.today())
    still = (await p.rows(engine, m.Payment))[0]
    late = await reconcile(
        engine, settings, as_of=date.today(), abandon_after=timedelta(0)
    )

    # then it stays pending at first, and then fails: nobody was charged
    assert (soon.pending, still["status"]) == (1, "pending")
    assert (late.failed, late.pending) == (1, 0)
    [row] = await p.rows(engine, m.Payment)
    assert (row["status"], row["failure_code"]) == ("failed", "not_received")
    assert await p.rows(engine, m.SandboxCharge) == []
    # and the same request answers so, asking for a new payment
    async with running_api(engine, issuer.url) as api:
        replay = await pay(api, token, **fields)
    assert replay["payment"]["status"] == "FAILED"
    assert [e["code"] for e in replay["errors"]] == ["PROCESSOR_UNAVAILABLE"]


@pytest.mark.subprocess
async def test_the_reconciliation_command(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a charged payment left pending
    await _pending_payment(engine, issuer)
    url = engine.url.render_as_string(hide_password=False)

    # when `./run reconcile-payments` runs against the database
    process = await asyncio.create_subprocess_exec(
        *p.manage_command("reconcile-payments"),
        env=p.command_environment(DATABASE_URL=url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()

    # then it posts the payment and says so
    assert process.returncode == 0, err.decode()
    assert "payments posted: 1" in out.decode()
    [row] = await p.rows(engine, m.Payment)
    assert row["status"] == "posted"
