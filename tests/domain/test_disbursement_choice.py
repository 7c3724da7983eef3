"""The disbursement choice: bank details for direct deposit, none for a card,
and the version a change is based on."""

from __future__ import annotations

import pytest

from db.enums import BankAccountType, DisbursementMethod
from domain.disbursement_choice import (
    Choice,
    Deposit,
    Destination,
    choice_errors,
    deposit_of,
    destination,
    version_error,
)
from domain.field_errors import CONFLICT, INVALID, REQUIRED

DD = DisbursementMethod.DIRECT_DEPOSIT
CARD = DisbursementMethod.PREPAID_CARD


def _codes(choice: Choice) -> list[tuple[str, str | None]]:
    return [(e.code, e.field) for e in choice_errors(choice)]


def test_direct_deposit_with_good_details() -> None:
    choice = Choice(DD, " 021000021 ", "000123456789 ", BankAccountType.SAVINGS)
    assert choice_errors(choice) == []
    deposit = deposit_of(choice)
    assert deposit == Deposit("021000021", "000123456789", BankAccountType.SAVINGS)
    assert deposit.account_last4 == "6789"
    assert deposit.digested == "021000021:000123456789"


def test_a_prepaid_card_needs_nothing_else() -> None:
    assert choice_errors(Choice(CARD)) == []
    assert deposit_of(Choice(CARD)) is None


def test_a_prepaid_card_with_bank_details_is_refused() -> None:
    choice = Choice(CARD, "021000021", "1234", BankAccountType.CHECKING)
    assert _codes(choice) == [
        (INVALID, "routingNumber"),
        (INVALID, "accountNumber"),
        (INVALID, "accountType"),
    ]


def test_checks_are_not_a_choice() -> None:
    assert _codes(Choice(DisbursementMethod.CHECK)) == [(INVALID, "method")]


def test_direct_deposit_needs_both_numbers() -> None:
    assert _codes(Choice(DD)) == [
        (REQUIRED, "routingNumber"),
        (REQUIRED, "accountNumber"),
    ]
    assert _codes(Choice(DD, "  ", "")) == [
        (REQUIRED, "routingNumber"),
        (REQUIRED, "accountNumber"),
    ]


@pytest.mark.parametrize(
    "routing",
    ["02100002", "0210000211", "02100002x", "021000022", "000000000", "٠٢١٠٠٠٠٢١"],
)
def test_bad_routing_numbers(routing: str) -> None:
    assert _codes(Choice(DD, routing, "123456")) == [(INVALID, "routingNumber")]


@pytest.mark.parametrize(
    "account", ["123", "1" * 18, "12-3456", "12 3456", "abcd", "١٢٣٤٥"]
)
def test_bad_account_numbers(account: str) -> None:
    assert _codes(Choice(DD, "021000021", account)) == [(INVALID, "accountNumber")]


@pytest.mark.parametrize("account", ["1234", "1" * 17, "0000"])
def test_account_numbers_of_four_to_seventeen_digits(account: str) -> None:
    assert choice_errors(Choice(DD, "021000021", account)) == []


def test_far_too_long_input_is_refused_before_anything_else() -> None:
    choice = Choice(DD, "9" * 65, "9" * 65)
    assert _codes(choice) == [(INVALID, "routingNumber"), (INVALID, "accountNumber")]


def test_a_deposit_keeps_the_last_four_and_the_bank_and_digests_the_rest() -> None:
    choice = Choice(DD, "021000021", "000123456789", BankAccountType.CHECKING)
    assert destination(choice, CARD, "4321") == Destination(
        DD,
        account_last4="6789",
        routing_number="021000021",
        account_type=BankAccountType.CHECKING,
        digested="021000021:000123456789",
    )


def test_a_card_on_file_keeps_its_last_four_a_new_card_has_none() -> None:
    assert destination(Choice(CARD), CARD, "4321") == Destination(CARD, "4321")
    # from direct deposit: nothing of the bank account stays
    assert destination(Choice(CARD), DD, "6789") == Destination(CARD)
    assert destination(Choice(CARD), None, None) == Destination(CARD)


def test_versions() -> None:
    # nothing on file: no version, or a conflict for one that cannot be
    assert version_error(None, None) is None
    assert version_error(None, 1).code == CONFLICT  # type: ignore[union-attr]
    # on file: the current version, else required or a conflict
    assert version_error(3, 3) is None
    assert version_error(3, None).code == REQUIRED  # type: ignore[union-attr]
    assert version_error(3, 2).code == CONFLICT  # type: ignore[union-attr]
    assert version_error(3, 4).code == CONFLICT  # type: ignore[union-attr]
