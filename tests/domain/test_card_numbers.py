"""Raw card numbers are spotted wherever they hide in an input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.card_numbers import card_number_field, looks_like_card_number, luhn_valid

#: Test numbers the card networks publish.
CARDS = (
    "4111111111111111",
    "4242 4242 4242 4242",
    "5555-5555-5555-4444",
    "378282246310005",
    "6011111111111117",
    "4000056655665556",
    "3056930009020004",  # 16-digit Diners
    "6205500000000000004",  # 19-digit UnionPay
)


@pytest.mark.parametrize("number", CARDS)
def test_published_test_cards_are_spotted_alone_and_in_text(number: str) -> None:
    assert looks_like_card_number(number)
    assert looks_like_card_number(f"please charge {number} thanks")


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",  # fails Luhn
        "4100000002",  # a case number
        "SO41000002",
        "411111111111",  # 12 digits
        "41111111111111111111",  # 20 digits: not a card
        "4111 1111  1111 1111",  # a double space breaks the run
        "tok_sandbox_approve",
        "",
    ],
)
def test_other_numbers_are_not(text: str) -> None:
    assert not looks_like_card_number(text)


@given(st.text(alphabet="0123456789", min_size=12, max_size=18))
def test_a_number_plus_its_luhn_digit_is_spotted(body: str) -> None:
    check = next(d for d in "0123456789" if luhn_valid(body + d))
    assert looks_like_card_number(body + check)
    wrong = str((int(check) + 1) % 10)
    assert not looks_like_card_number(body + wrong)


@dataclass
class _Address:
    line1: str
    city: str


@dataclass
class _Input:
    payment_method_token: str
    memo: dict[str, object]
    address: _Address | None = None


class _Method(Enum):
    CARD = "card"


@dataclass
class _WithEnum:
    method: _Method
    note: str


def test_enums_and_other_values_are_not_walked() -> None:
    # an enum member's class refers back to its members: walking it would
    # never end
    assert card_number_field(_WithEnum(_Method.CARD, "4111111111111111")) == "note"
    assert card_number_field(_WithEnum(_Method.CARD, "fine")) is None
    assert card_number_field({"n": 4111111111111111, "d": date(2024, 1, 1)}) is None


def test_the_path_of_the_field_holding_it_is_named() -> None:
    clean = _Input("tok_x", {"lines": ["a", "b"]}, _Address("1 Main St", "Austin"))
    nested = _Input("tok_x", {"lines": ["a", "card 4111-1111-1111-1111"]})
    in_object = _Input("tok_x", {}, _Address("4242424242424242", "Austin"))
    assert card_number_field(clean) is None
    assert card_number_field(nested) == "memo.lines[1]"
    assert card_number_field(in_object) == "address.line1"
    assert card_number_field(_Input("4111111111111111", {})) == "paymentMethodToken"
