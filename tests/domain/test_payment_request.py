"""What a payment request must be: no card numbers, a sane amount, a key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.field_errors import Refused
from domain.payment_request import (
    PaymentRequest,
    amount_errors,
    refuse_card_numbers,
    request_errors,
)

MAX = Decimal("25000.00")


def test_the_digest_is_the_same_for_the_same_payment_spelled_otherwise() -> None:
    one = PaymentRequest(7, Decimal("600"), "tok_a", "key-1")
    same = PaymentRequest(7, Decimal("600.00"), "tok_a", "another key")
    assert one.digest() == same.digest()
    assert len(one.digest()) == 32


@pytest.mark.parametrize(
    "other",
    [
        PaymentRequest(8, Decimal("600.00"), "tok_a", "key-1"),
        PaymentRequest(7, Decimal("600.01"), "tok_a", "key-1"),
        PaymentRequest(7, Decimal("600.00"), "tok_b", "key-1"),
        PaymentRequest(7, Decimal("600.00"), "tok_a", "key-1", party_id=3),
    ],
)
def test_the_digest_differs_for_another_payment(other: PaymentRequest) -> None:
    assert PaymentRequest(7, Decimal("600"), "tok_a", "key-1").digest() != (
        other.digest()
    )


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0.01", None),
        ("25000", None),
        ("12.50", None),
        ("12.500", None),
        ("0", "invalid"),
        ("-1", "invalid"),
        ("0.001", "invalid"),
        ("Infinity", "invalid"),
        ("sNaN", "invalid"),
        ("25000.01", "amount_too_large"),
        ("1E+400", "amount_too_large"),
    ],
)
def test_amounts(amount: str, code: str | None) -> None:
    errors = amount_errors(Decimal(amount), MAX)
    assert [e.code for e in errors] == ([] if code is None else [code])
    assert all(e.field == "amount" for e in errors)


def test_every_field_error_at_once() -> None:
    errors = request_errors(Decimal("0"), "", "x" * 256, maximum=MAX)
    assert [(e.code, e.field) for e in errors] == [
        ("invalid", "amount"),
        ("required", "paymentMethodToken"),
        ("invalid", "idempotencyKey"),
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"paymentMethodToken": "4111111111111111"}, "paymentMethodToken"),
        ({"idempotencyKey": "x 4111-1111-1111-1111 y"}, "idempotencyKey"),
        ({"amount": Decimal("4111111111111111")}, "amount"),
        ({"amount": Decimal("4.111111111111111E+15")}, "amount"),
    ],
)
def test_a_card_number_is_refused_without_repeating_it(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(Refused) as refused:
        refuse_card_numbers({"orderId": "T3JkZXI6MQ", **fields})
    [error] = refused.value.errors
    assert (error.code, error.field) == ("card_number_not_allowed", field)
    assert "4111" not in error.message + str(refused.value)


def test_numbers_that_fail_the_luhn_check_are_not_card_numbers() -> None:
    refuse_card_numbers(
        {"paymentMethodToken": "tok_4111111111111112", "amount": Decimal("1234.56")}
    )
