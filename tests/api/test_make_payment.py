"""makePayment through the app: the obligor (or their caseworker) pays an
order; the payment is posted and allocated in the same response, and anything
refused leaves the payment tables as they were, audited."""

from __future__ import annotations

import asyncio
import logging
import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from loaders import ids
from tests.support import payments as p
from tests.support.api import Api, running_api
from tests.support.issuer import TestIssuer
from tests.support.roles import partner_token

MAKE_PAYMENT = """
mutation Pay($input: MakePaymentInput!) {
  makePayment(input: $input) {
    payment {
      id amount status reference source collectedOn postedOn
      allocations { bucket owedTo amount }
    }
    order {
      id orderNumber
      balance {
        currentSupportDue arrearsOwedToFamily arrearsOwedToState totalOwed
      }
    }
    errors { code field message declineReason }
  }
}
"""
#: Two payments in one document: the second's balance must include the first.
TWO_PAYMENTS = """
mutation Pay($first: MakePaymentInput!, $second: MakePaymentInput!) {
  one: makePayment(input: $first) {
    order { balance { totalOwed } }
    errors { code }
  }
  two: makePayment(input: $second) {
    order { balance { totalOwed } }
    errors { code }
  }
}
"""
ORDER = """
query Order($id: ID!) {
  node(id: $id) {
    ... on Order {
      balance { currentSupportDue arrearsOwedToFamily arrearsOwedToState totalOwed }
      payments(first: 5) {
        nodes { amount status reference source allocations { bucket owedTo amount } }
      }
    }
  }
}
"""
VIEWER_BALANCE = """
{ viewer { cases { nodes { orders { orderNumber balance { totalOwed } } } } } }
"""

APPROVE = "tok_sandbox_approve"
CARD = "4111 1111 1111 1111"
CARD_DIGITS = re.compile(r"4111[ -]?1111[ -]?1111[ -]?1111")


def pay_input(world: p.PayWorld, **fields: Any) -> dict[str, Any]:
    values = {
        "orderId": world.order_gid,
        "amount": "600.00",
        "paymentMethodToken": APPROVE,
        "idempotencyKey": "key-1",
    }
    return values | fields


async def pay(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api.query(MAKE_PAYMENT, token, input=fields)
    return data["makePayment"]  # type: ignore[no-any-return]


def codes(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in result["errors"]]


def audits_of(rows: list[dict[str, Any]], action: str = "make_payment") -> list[Any]:
    return [
        (a["actor_kind"], a["actor_id"], a["case_id"], a["outcome"], a["detail"])
        for a in rows
        if a["action"] == action
    ]


def without_audit(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {name: rows for name, rows in tables.items() if name != "audit_events"}


# -- the success path --------------------------------------------------------


async def test_the_obligor_pays_and_sees_the_new_balance_at_once(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Olly's order owing 950.00 (400 current, 50 medical, 400 family
    # arrears, 100 state arrears)
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")
    before = await p.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        # when he pays 600.00
        result = await pay(api, token, **pay_input(world))
        # then the order, read again through node and through viewer, agrees
        order = (await api.query(ORDER, token, id=world.order_gid))["node"]
        viewer = await api.query(VIEWER_BALANCE, token)

    assert result["errors"] == []
    payment = result["payment"]
    assert payment["amount"] == "600.00"
    assert payment["status"] == "POSTED"
    assert payment["source"] == "DIRECT_PAYMENT"
    assert payment["postedOn"] == payment["collectedOn"]
    # current support, then medical, then the family's arrears
    assert payment["allocations"] == [
        {"bucket": "CURRENT_SUPPORT", "owedTo": "FAMILY", "amount": "400.00"},
        {"bucket": "MEDICAL_SUPPORT", "owedTo": "FAMILY", "amount": "50.00"},
        {"bucket": "ARREARS", "owedTo": "FAMILY", "amount": "150.00"},
    ]
    balance = {
        "currentSupportDue": "0.00",
        "arrearsOwedToFamily": "250.00",
        "arrearsOwedToState": "100.00",
        "totalOwed": "350.00",
    }
    assert result["order"]["balance"] == balance
    assert result["order"]["orderNumber"] == world.order_number
    assert order["balance"] == balance
    assert order["payments"]["nodes"] == [
        {
            "amount": "600.00",
            "status": "POSTED",
            "reference": payment["reference"],
            "source": "DIRECT_PAYMENT",
            "allocations": payment["allocations"],
        }
    ]
    assert viewer["viewer"]["cases"]["nodes"][0]["orders"] == [
        {"orderNumber": world.order_number, "balance": {"totalOwed": "350.00"}}
    ]
    # and the books: one payment, one collection and three allocations, one
    # charge at the processor under the payment's reference, one key
    after = await p.snapshot(engine)
    [row] = after["payments"]
    assert (row["payer_party_id"], row["entered_by_staff_id"]) == (
        world.obligor_id,
        None,
    )
    assert (row["processor"], row["reference"]) == ("sandbox", payment["reference"])
    assert row["processor_reference"].startswith("ch_sandbox_")
    assert ids.encode("Payment", row["id"]) == payment["id"]
    new_ledger = after["ledger_entries"][len(before["ledger_entries"]) :]
    assert [(e["entry_type"], e["bucket"], e["amount"]) for e in new_ledger] == [
        ("collection", None, Decimal("600.00")),
        ("allocation", "current_support", Decimal("400.00")),
        ("allocation", "medical_support", Decimal("50.00")),
        ("allocation", "arrears", Decimal("150.00")),
    ]
    assert {e["payment_id"] for e in new_ledger} == {row["id"]}
    [charge] = after["sandbox_charges"]
    assert (charge["reference"], charge["amount"], charge["status"]) == (
        payment["reference"],
        Decimal("600.00"),
        "captured",
    )
    [key] = after["idempotency_keys"]
    assert (key["actor_kind"], key["actor_id"], key["key"], key["payment_id"]) == (
        "party",
        world.obligor_id,
        "key-1",
        row["id"],
    )
    case_times = {c["id"]: c["updated_at"] for c in after["cases"]}
    before_times = {c["id"]: c["updated_at"] for c in before["cases"]}
    assert case_times[world.case_id] > before_times[world.case_id]
    # and one audit record of the change, with its case and payment
    assert audits_of(after["audit_events"]) == [
        (
            "party",
            world.obligor_id,
            world.case_id,
            "succeeded",
            {
                "reference": payment["reference"],
                "amount": "600.00",
                "status": "posted",
            },
        )
    ]


async def test_the_payer_and_the_obligee_are_told_without_the_payer_details(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given Olly's order
    world = await p.pay_world(engine, issuer.url)

    async with running_api(engine, issuer.url) as api:
        # when he pays 45.50
        result = await pay(api, issuer.mint("olly"), **pay_input(world, amount="45.50"))

    # then each is sent an e-mail: the payer with the details, the obligee
    # that a payment came in on the case, nothing about who paid or how much
    reference = result["payment"]["reference"]
    sent = {e["party_id"]: e for e in await p.rows(engine, m.OutboxEvent)}
    assert set(sent) == {world.obligor_id, world.obligee_id}
    payer, obligee = sent[world.obligor_id], sent[world.obligee_id]
    assert (payer["topic"], payer["channel"], payer["destination"]) == (
        "payment_received",
        "email",
        "olly@mail.example",
    )
    assert "$45.50" in payer["body"]
    assert world.order_number in payer["body"]
    assert reference in payer["body"]
    assert obligee["destination"] == "eve@mail.example"
    assert world.case_number in obligee["body"]
    for leaked in ("Olly", "45.50", reference, "mail.example", world.order_number):
        assert leaked not in obligee["body"] + obligee["subject"]


async def test_an_overpayment_is_kept_as_a_credit(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given an order owing 950.00
    world = await p.pay_world(engine, issuer.url)

    async with running_api(engine, issuer.url) as api:
        # when 1,000.00 is paid
        result = await pay(
            api, issuer.mint("olly"), **pay_input(world, amount="1000.00")
        )

    # then everything owed is paid, state arrears last, and 50.00 is left
    assert result["errors"] == []
    assert result["order"]["balance"]["totalOwed"] == "0.00"
    assert [a["amount"] for a in result["payment"]["allocations"]] == [
        "400.00",
        "50.00",
        "400.00",
        "100.00",
    ]
    assert result["payment"]["allocations"][-1]["owedTo"] == "STATE"
    ledger = await p.rows(engine, m.LedgerEntry)
    collected = sum(e["amount"] for e in ledger if e["entry_type"] == "collection")
    allocated = sum(
        e["amount"]
        for e in ledger
        if e["entry_type"] == "allocation" and e["payment_id"] is not None
    )
    assert (collected, collected - allocated) == (
        Decimal("1000.00"),
        Decimal("50.00"),
    )


async def test_a_balance_read_earlier_in_the_same_document_is_not_reused(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given an order owing 950.00
    world = await p.pay_world(engine, issuer.url)

    async with running_api(engine, issuer.url) as api:
        # when one document pays 100.00, reads the balance, then pays 200.00
        data = await api.query(
            TWO_PAYMENTS,
            issuer.mint("olly"),
            first=pay_input(world, amount="100.00", idempotencyKey="a"),
            second=pay_input(world, amount="200.00", idempotencyKey="b"),
        )

    # then the second balance counts both payments
    assert data["one"] == {"order": {"balance": {"totalOwed": "850.00"}}, "errors": []}
    assert data["two"] == {"order": {"balance": {"totalOwed": "650.00"}}, "errors": []}


async def test_two_payments_at_once_never_pay_the_same_debt_twice(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given an order owing 950.00
    world = await p.pay_world(engine, issuer.url)
    token = issuer.mint("olly")

    async with running_api(
        engine, issuer.url, sandbox_processor_delay_seconds=0.1
    ) as api:
        # when two payments of 500.00 (two keys) are made at the same time
        results = await asyncio.gather(
            *(
                pay(api, token, **pay_input(world, amount="500.00", idempotencyKey=k))
                for k in ("first", "second")
            )
        )

    # then both post, 950.00 is allocated in all, each bucket at most what it
    # owed, and 50.00 is left as a credit
    assert [r["payment"]["status"] for r in results] == ["POSTED", "POSTED"]
    ledger = await p.rows(engine, m.LedgerEntry)
    paid: dict[tuple[str, str], Decimal] = {}
    for e in ledger:
        if e["entry_type"] == "allocation":
            slot = (e["bucket"], e["owed_to"])
            paid[slot] = paid.get(slot, Decimal(0)) + e["amount"]
    assert paid == {
        ("current_support", "family"): p.CURRENT,
        ("medical_support", "family"): p.MEDICAL,
        ("arrears", "family"): p.FAMILY_ARREARS,
        ("arrears", "state"): p.STATE_ARREARS,
    }
    assert min(r["order"]["balance"]["totalOwed"] for r in results) == "0.00"


# -- a caseworker for the payer ------------------------------------------------


@pytest.mark.parametrize("names_the_payer", [True, False])
async def test_a_caseworker_of_the_office_pays_for_the_obligor(
    engine: AsyncEngine, issuer: TestIssuer, names_the_payer: bool
) -> None:
    # given the caseworker of Olly's office
    world = await p.pay_world(engine, issuer.url)
    party = {"partyId": world.obligor_gid} if names_the_payer else {}

    async with running_api(engine, issuer.url) as api:
        # when she takes a payment for him (naming him, or the order's one payer)
        result = await pay(api, issuer.mint("worker-a"), **pay_input(world, **party))

    # then it is his payment, recorded as entered by her
    assert result["errors"] == []
    assert result["payment"]["status"] == "POSTED"
    [row] = await p.rows(engine, m.Payment)
    assert (row["payer_party_id"], row["entered_by_staff_id"]) == (
        world.obligor_id,
        world.worker_a,
    )
    [key] = await p.rows(engine, m.IdempotencyKey)
    assert (key["actor_kind"], key["actor_id"]) == ("staff", world.worker_a)
    audits = await p.rows(engine, m.AuditEvent)
    [(kind, actor, case_id, outcome, detail)] = audits_of(audits)
    assert (kind, actor, case_id, outcome) == (
        "staff",
        world.worker_a,
        world.case_id,
        "succeeded",
    )
    assert detail["for_party"] == world.obligor_id


# -- refusals ----------------------------------------------------------------


async def _refused(
    engine: AsyncEngine,
    issuer: TestIssuer,
    token: str,
    fields: dict[str, Any],
    **settings: Any,
) -> tuple[dict[str, Any], list[Any]]:
    """Make the request; assert it changed nothing but the audit log; return
    the payload and the audit records it added."""
    before = await p.snapshot(engine)
    async with running_api(engine, issuer.url, **settings) as api:
        result = await pay(api, token, **fields)
    after = await p.snapshot(engine)
    assert without_audit(after) == without_audit(before)
    added = after["audit_events"][len(before["audit_events"]) :]
    assert result["payment"] is None
    assert result["order"] is None
    return result, added


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("0", ("INVALID", "amount")),
        ("-5.00", ("INVALID", "amount")),
        ("10.001", ("INVALID", "amount")),
        ("25000.01", ("AMOUNT_TOO_LARGE", "amount")),
        ("1E+30", ("AMOUNT_TOO_LARGE", "amount")),
        ("NaN", ("INVALID", "amount")),
    ],
)
async def test_an_amount_out_of_bounds_is_refused(
    engine: AsyncEngine, issuer: TestIssuer, amount: str, error: tuple[str, str]
) -> None:
    world = await p.pay_world(engine, issuer.url)
    result, audits = await _refused(
        engine, issuer, issuer.mint("olly"), pay_input(world, amount=amount)
    )
    assert codes(result) == [error]
    assert audits_of(audits) == [
        ("party", world.obligor_id, None, "failed", {"errors": [error[0].lower()]})
    ]


async def test_the_maximum_is_a_setting(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await p.pay_world(engine, issuer.url)
    result, _ = await _refused(
        engine,
        issuer,
        issuer.mint("olly"),
        pay_input(world, amount="100.01"),
        payment_max_amount=Decimal("100.00"),
    )
    assert codes(result) == [("AMOUNT_TOO_LARGE", "amount")]
    assert "$100.00" in result["errors"][0]["message"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"paymentMethodToken": ""}, [("REQUIRED", "paymentMethodToken")]),
        ({"idempotencyKey": ""}, [("REQUIRED", "idempotencyKey")]),
        ({"idempotencyKey": "   "}, [("REQUIRED", "idempotencyKey")]),
        ({"idempotencyKey": "k" * 256}, [("INVALID", "idempotencyKey")]),
        ({"idempotencyKey": "line\nbreak"}, [("INVALID", "idempotencyKey")]),
        ({"paymentMethodToken": "tok_é"}, [("INVALID", "paymentMethodToken")]),
        (
            {"amount": "0", "paymentMethodToken": "", "idempotencyKey": ""},
            [
                ("INVALID", "amount"),
                ("REQUIRED", "paymentMethodToken"),
                ("REQUIRED", "idempotencyKey"),
            ],
        ),
    ],
)
async def test_a_missing_or_malformed_value_is_refused(
    engine: AsyncEngine,
    issuer: TestIssuer,
    fields: dict[str, str],
    errors: list[tuple[str, str]],
) -> None:
    world = await p.pay_world(engine, issuer.url)
    result, audits = await _refused(
        engine, issuer, issuer.mint("olly"), pay_input(world, **fields)
    )
    assert codes(result) == errors
    assert [a[3] for a in audits_of(audits)] == ["failed"]


async def test_a_key_of_255_printable_characters_is_fine(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await p.pay_world(engine, issuer.url)
    async with running_api(engine, issuer.url) as api:
        result = await pay(
            api, issuer.mint("olly"), **pay_input(world, idempotencyKey="~ k" * 85)
        )
    assert result["errors"] == []


@pytest.mark.parametrize(
    "order_id",
    [
        "not-an-id",
        ids.encode("Payment", 1),
        ids.encode("Order", 10**12),
    ],
)
async def test_an_order_that_is_not_there_is_not_found(
    engine: AsyncEngine, issuer: TestIssuer, order_id: str
) -> None:
    world = await p.pay_world(engine, issuer.url)
    result, audits = await _refused(
        engine, issuer, issuer.mint("olly"), pay_input(world, orderId=order_id)
    )
    assert codes(result) == [("NOT_FOUND", "orderId")]
    assert [a[3] for a in audits_of(audits)] == ["denied"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("paymentMethodToken", CARD),
        ("paymentMethodToken", "card 4111-1111-1111-1111 exp 12/29"),
        ("idempotencyKey", "4111111111111111"),
        ("amount", "4111111111111111"),
        ("orderId", "4111111111111111"),
        ("partyId", "4111111111111111"),
    ],
)
async def test_a_card_number_anywhere_is_refused_and_never_kept_or_logged(
    engine: AsyncEngine,
    issuer: TestIssuer,
    caplog: pytest.LogCaptureFixture,
    field: str,
    value: str,
) -> None:
    # given a payer who types a card number where a token (or anything) goes,
    # with every log line (SQL and its parameters included) captured
    world = await p.pay_world(engine, issuer.url)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")

    # when the payment is asked for
    result, audits = await _refused(
        engine, issuer, issuer.mint("olly"), pay_input(world, **{field: value})
    )

    # then it is refused, naming the field, before anything else is checked
    assert codes(result) == [("CARD_NUMBER_NOT_ALLOWED", field)]
    assert audits_of(audits) == [
        (
            "party",
            world.obligor_id,
            None,
            "failed",
            {"errors": ["card_number_not_allowed"]},
        )
    ]
    # and the digits are nowhere: not in the answer, the tables, or the logs
    logged = [record.getMessage() for record in caplog.records]
    assert any("audit_events" in line for line in logged)  # SQL was logged
    stored = [str(row) for rows in (await p.snapshot(engine)).values() for row in rows]
    for text in (str(result), *stored, *logged):
        assert not CARD_DIGITS.search(text), text


async def test_a_card_number_sent_with_the_wrong_type_is_not_logged(
    engine: AsyncEngine, issuer: TestIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    # given a card number sent as a JSON number where a string goes
    world = await p.pay_world(engine, issuer.url)
    caplog.set_level(logging.DEBUG)
    before = await p.snapshot(engine)

    async with running_api(engine, issuer.url) as api:
        response = await api.post(
            MAKE_PAYMENT,
            issuer.mint("olly"),
            input=pay_input(world, paymentMethodToken=4111111111111111),
        )

    # then the request fails validation and nothing is kept or logged
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert without_audit(await p.snapshot(engine)) == without_audit(before)
    for record in caplog.records:
        assert not CARD_DIGITS.search(record.getMessage())
        assert not CARD_DIGITS.search(str(record.exc_info))


# -- who may pay ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "extra", "error", "outcome"),
    [
        # another parent (who pays another order of the same office)
        ("pat", {}, ("NOT_FOUND", "orderId"), "denied"),
        # the obligee of the order: only the obligor pays
        ("eve", {}, ("NOT_FOUND", "orderId"), "denied"),
        # a caseworker of another office
        ("worker-b", {}, ("NOT_FOUND", "orderId"), "denied"),
        # the office's caseworker, naming the obligee as the payer
        ("worker-a", {"partyId": "obligee"}, ("NOT_FOUND", "partyId"), "denied"),
        # a parent naming someone else
        ("olly", {"partyId": "obligee"}, ("NOT_FOUND", "orderId"), "denied"),
    ],
)
async def test_only_the_obligor_or_their_caseworker_pays(
    engine: AsyncEngine,
    issuer: TestIssuer,
    who: str,
    extra: dict[str, str],
    error: tuple[str, str],
    outcome: str,
) -> None:
    world = await p.pay_world(engine, issuer.url)
    if extra:
        extra = {"partyId": ids.encode("Party", world.obligee_id)}
    result, audits = await _refused(
        engine, issuer, issuer.mint(who), pay_input(world, **extra)
    )
    assert codes(result) == [error]
    [(_, _, case_id, recorded, detail)] = audits_of(audits)
    assert (case_id, recorded, detail) == (None, outcome, {"errors": ["not_found"]})


async def test_a_partner_agency_may_not_pay(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a partner agency the case is shared with
    world = await p.pay_world(engine, issuer.url)
    token = partner_token(issuer, p.PARTNER_CLIENT)
    result, audits = await _refused(engine, issuer, token, pay_input(world))
    assert codes(result) == [("FORBIDDEN", None)]
    assert audits_of(audits) == [
        ("agency", world.partner_id, None, "denied", {"errors": ["forbidden"]})
    ]


async def test_a_token_without_the_write_scope_is_refused(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    world = await p.pay_world(engine, issuer.url)
    before = await p.snapshot(engine)
    async with running_api(engine, issuer.url) as api:
        response = await api.post(
            MAKE_PAYMENT,
            issuer.mint("olly", scope="openid cases:read"),
            input=pay_input(world),
        )
    assert response.status_code == 403
    assert await p.snapshot(engine) == before
