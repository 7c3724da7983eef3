"""ABA routing numbers: the 3-7-1 check digit and the kinds deposits reach."""

from __future__ import annotations

import pytest

from domain.routing_number import (
    aba_checksum_valid,
    is_routing_number,
    reaches_an_account,
)

#: Published routing numbers of real banks and Federal Reserve banks.
REAL = (
    "011000015",  # Federal Reserve Bank of Boston
    "021000021",  # JPMorgan Chase, New York
    "026009593",  # Bank of America, New York
    "121000248",  # Wells Fargo, California
    "111000025",  # Federal Reserve Bank of Dallas
    "322271627",  # JPMorgan Chase, California (a thrift prefix)
    "256074974",  # Navy Federal Credit Union
)


@pytest.mark.parametrize("number", REAL)
def test_real_routing_numbers_pass(number: str) -> None:
    assert aba_checksum_valid(number)
    assert is_routing_number(number)


def test_the_check_is_three_seven_one() -> None:
    # 0*3 + 1*7 + 1*1 + 0*3 + 0*7 + 0*1 + 0*3 + 1*7 + 5*1 = 20, a multiple of 10
    assert aba_checksum_valid("011000015")
    # changing the check digit alone breaks it, whatever the new digit
    for digit in "012346789":
        assert not aba_checksum_valid("01100001" + digit)


@pytest.mark.parametrize("position", range(9))
def test_any_single_digit_typo_is_caught(position: int) -> None:
    # given a good number, when any one digit is changed to any other
    good = "021000021"
    for digit in "0123456789":
        if digit == good[position]:
            continue
        typo = good[:position] + digit + good[position + 1 :]
        # then the check fails (weights 3, 7, 1 are coprime with 10)
        assert not aba_checksum_valid(typo), typo


def test_swapped_neighbours_are_caught_where_the_weights_differ() -> None:
    # 021000021 -> 201000021 swaps the first two digits (weights 3 and 7)
    assert not aba_checksum_valid("201000021")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "02100002",
        "0210000211",
        "02100002a",
        "02100 0021",
        " 021000021",
        "٠٢١٠٠٠٠٢١",
    ],
)
def test_anything_but_nine_ascii_digits_fails(text: str) -> None:
    assert not aba_checksum_valid(text)
    assert not is_routing_number(text)


def test_valid_check_digits_of_kinds_deposits_cannot_reach_are_refused() -> None:
    # all zeros, a US Government (00) and a traveler's-check (80) number
    # pass the check digit but name no parent's account
    for number in ("000000000", "000000518", "800000006"):
        assert aba_checksum_valid(number), number
        assert not reaches_an_account(number), number
        assert not is_routing_number(number), number


@pytest.mark.parametrize(
    ("prefix", "reaches"),
    [(0, False), (1, True), (12, True), (13, False), (20, False), (21, True),
     (32, True), (33, False), (60, False), (61, True), (72, True), (73, False),
     (80, False), (99, False)],
)  # fmt: skip
def test_prefix_ranges(prefix: int, reaches: bool) -> None:
    assert reaches_an_account(f"{prefix:02d}0000000") is reaches
