"""The disbursement choice: the change's input, payload and errors."""

from __future__ import annotations

from enum import Enum

import strawberry

from db.enums import BankAccountType
from schema.personal import DisbursementPreference


@strawberry.enum(description="How you may choose to receive payments.")
class DisbursementChoice(Enum):
    DIRECT_DEPOSIT = strawberry.enum_value(
        "direct_deposit", description="Into your bank account."
    )
    PREPAID_CARD = strawberry.enum_value(
        "prepaid_card", description="On a prepaid debit card the agency issues."
    )


@strawberry.enum(description="Why the payment method was not changed.")
class DisbursementPreferenceErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "invalid",
        description=(
            "A value is malformed: a routing number that fails its check "
            "digit, an account number that is not 4 to 17 digits, bank "
            "details with a prepaid card."
        ),
    )
    REQUIRED = strawberry.enum_value(
        "required",
        description=(
            "A value is missing: bank details for direct deposit, the version "
            "of the method on file, staff: partyId."
        ),
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found", description="No party you may act for has that ID."
    )
    FORBIDDEN = strawberry.enum_value(
        "forbidden",
        description="Only a parent or caretaker who receives support chooses this.",
    )
    CONFLICT = strawberry.enum_value(
        "conflict",
        description="The method on file changed since you read it: read it again.",
    )
    CARD_NUMBER_NOT_ALLOWED = strawberry.enum_value(
        "card_number_not_allowed",
        description=(
            "A value looks like a payment card number; card numbers are never "
            "accepted (a prepaid card is chosen with PREPAID_CARD)."
        ),
    )


@strawberry.type(description="An expected reason the payment method was not changed.")
class DisbursementPreferenceError:
    code: DisbursementPreferenceErrorCode
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), if one is."
    )
    message: str


@strawberry.input(
    description=(
        "How payments should reach you. Direct deposit needs the routing and "
        "account numbers; only the account's last four digits are kept "
        "readable. Changing a method on file needs the `version` you read."
    )
)
class UpdateDisbursementPreferenceInput:
    party_id: strawberry.ID | None = strawberry.field(
        default=None, description="Caseworkers: the party you act for."
    )
    method: DisbursementChoice
    routing_number: str | None = strawberry.field(
        default=None, description="Direct deposit: the bank's 9-digit routing number."
    )
    account_number: str | None = strawberry.field(
        default=None, description="Direct deposit: the account number, 4 to 17 digits."
    )
    account_type: BankAccountType | None = strawberry.field(
        default=None, description="Direct deposit: checking or savings."
    )
    version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` of the method on file you are changing (leave it "
            "out when there is none)."
        ),
    )


@strawberry.type(description="The result of updateDisbursementPreference.")
class UpdateDisbursementPreferencePayload:
    disbursement_preference: DisbursementPreference | None = strawberry.field(
        description="The method on file after the change (null on errors)."
    )
    errors: list[DisbursementPreferenceError]
