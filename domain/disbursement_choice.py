"""How an obligee chooses to receive payments: the rules of the choice.

Direct deposit needs a routing number (``domain.routing_number``) and an
account number of 4 to 17 digits (the NACHA field is 17 wide); the account
number is never kept, only a keyed digest of routing and account number
together (an account number is unique only within its bank) beside its last
four digits. A prepaid card needs neither: the agency issues the card.

A preference that exists is changed only by someone who read its current
``version`` (two devices, or a parent and a caseworker, never overwrite each
other unseen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from db.enums import BankAccountType, DisbursementMethod
from domain.field_errors import CONFLICT, INVALID, REQUIRED, FieldError
from domain.routing_number import aba_checksum_valid, is_routing_number

ACCOUNT_NUMBER = re.compile(r"[0-9]{4,17}")
#: Purpose of the account number's keyed digest (``domain.digests``).
DIGEST_PURPOSE = "bank_account"
#: Longer input is refused before it is looked at more closely.
MAX_INPUT_LENGTH = 64

CHOICES = frozenset(
    {DisbursementMethod.DIRECT_DEPOSIT, DisbursementMethod.PREPAID_CARD}
)


@dataclass(frozen=True, slots=True)
class Choice:
    """What the input asks for, as typed."""

    method: DisbursementMethod
    routing_number: str | None = None
    account_number: str | None = None
    account_type: BankAccountType | None = None


@dataclass(frozen=True, slots=True)
class Deposit:
    """A checked direct-deposit destination."""

    routing_number: str
    account_number: str
    account_type: BankAccountType | None

    @property
    def account_last4(self) -> str:
        return self.account_number[-4:]

    @property
    def digested(self) -> str:
        """What the keyed digest is taken of: the bank and the account."""
        return f"{self.routing_number}:{self.account_number}"


def _routing_error(value: str) -> FieldError | None:
    if not (len(value) == 9 and value.isascii() and value.isdigit()):
        return FieldError(
            INVALID, "routingNumber", "A routing number is exactly 9 digits."
        )
    if not aba_checksum_valid(value):
        return FieldError(
            INVALID,
            "routingNumber",
            "This is not a valid routing number: check the 9 digits on your "
            "check or with your bank.",
        )
    if not is_routing_number(value):
        return FieldError(
            INVALID,
            "routingNumber",
            "This routing number cannot receive direct deposits.",
        )
    return None


def _account_error(value: str) -> FieldError | None:
    if not (value.isascii() and ACCOUNT_NUMBER.fullmatch(value)):
        return FieldError(
            INVALID, "accountNumber", "An account number is 4 to 17 digits."
        )
    return None


def deposit_of(choice: Choice) -> Deposit | None:
    """The direct-deposit destination of a choice without ``choice_errors``
    (None for a prepaid card), its values stripped of surrounding spaces."""
    if choice.method is not DisbursementMethod.DIRECT_DEPOSIT:
        return None
    assert choice.routing_number is not None
    assert choice.account_number is not None
    return Deposit(
        choice.routing_number.strip(),
        choice.account_number.strip(),
        choice.account_type,
    )


@dataclass(frozen=True, slots=True)
class Destination:
    """What is kept of a checked choice: the method, the last four digits
    that may be shown, the bank, and (direct deposit) what to digest."""

    method: DisbursementMethod
    account_last4: str | None = None
    routing_number: str | None = None
    account_type: BankAccountType | None = None
    digested: str | None = None


def destination(
    choice: Choice, on_file: DisbursementMethod | None, last4_on_file: str | None
) -> Destination:
    """The destination of a checked choice. A prepaid card already on file
    keeps its last four digits; a new card has none until the agency issues
    it; nothing of a bank account survives a move to a card."""
    deposit = deposit_of(choice)
    if deposit is None:
        kept = last4_on_file if on_file is DisbursementMethod.PREPAID_CARD else None
        return Destination(DisbursementMethod.PREPAID_CARD, account_last4=kept)
    return Destination(
        DisbursementMethod.DIRECT_DEPOSIT,
        account_last4=deposit.account_last4,
        routing_number=deposit.routing_number,
        account_type=deposit.account_type,
        digested=deposit.digested,
    )


def choice_errors(choice: Choice) -> list[FieldError]:
    """Every reason the choice cannot be taken (empty when it can). Values
    may have surrounding whitespace; nothing else but digits."""
    if choice.method not in CHOICES:
        return [
            FieldError(INVALID, "method", "Choose direct deposit or a prepaid card.")
        ]
    typed = {
        "routingNumber": choice.routing_number,
        "accountNumber": choice.account_number,
    }
    errors: list[FieldError] = [
        FieldError(INVALID, field, "This value is far too long.")
        for field, value in typed.items()
        if value is not None and len(value) > MAX_INPUT_LENGTH
    ]
    if errors:
        return errors
    if choice.method is DisbursementMethod.PREPAID_CARD:
        given = [field for field, value in typed.items() if value is not None]
        if choice.account_type is not None:
            given.append("accountType")
        return [
            FieldError(
                INVALID, field, "A prepaid card needs no bank details: leave it out."
            )
            for field in given
        ]
    routing = (choice.routing_number or "").strip()
    account = (choice.account_number or "").strip()
    if not routing:
        errors.append(
            FieldError(REQUIRED, "routingNumber", "Enter your bank's routing number.")
        )
    elif (error := _routing_error(routing)) is not None:
        errors.append(error)
    if not account:
        errors.append(
            FieldError(REQUIRED, "accountNumber", "Enter your account number.")
        )
    elif (error := _account_error(account)) is not None:
        errors.append(error)
    return errors


def version_error(current: int | None, given: int | None) -> FieldError | None:
    """Optimistic concurrency: a change to an existing preference names the
    version it was based on; a stale (or invented) one is a conflict."""
    if current is None:
        if given is None:
            return None
        return FieldError(
            CONFLICT,
            "version",
            "There is no payment method on file to update: reload and try again.",
        )
    if given is None:
        return FieldError(
            REQUIRED,
            "version",
            "Send the version you read, so a change made elsewhere is not lost.",
        )
    if given != current:
        return FieldError(
            CONFLICT,
            "version",
            "Your payment method was changed elsewhere since you read it: "
            "reload and try again.",
        )
    return None
