"""Changing contact details: inputs, payloads, and the errors of every change
to a party's own records (contact, employer, health insurance)."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.party import Party, Viewer


@strawberry.enum(
    description=(
        "Why a change to your contact, employer or insurance records was not made."
    )
)
class ContactErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "invalid", description="The value cannot be used (see the message)."
    )
    REQUIRED = strawberry.enum_value("required", description="A value is missing.")
    NOT_FOUND = strawberry.enum_value(
        "not_found",
        description="Nothing you may change has that identifier.",
    )
    FORBIDDEN = strawberry.enum_value(
        "forbidden", description="You may not make this change."
    )
    CONFLICT = strawberry.enum_value(
        "conflict",
        description=(
            "The record changed since you read it (a stale `version`), or it "
            "is already on file: read it again first."
        ),
    )
    CODE_INVALID = strawberry.enum_value(
        "code_invalid",
        description="Not the code we sent, or no change is waiting for one.",
    )
    CODE_EXPIRED = strawberry.enum_value(
        "code_expired", description="The code expired: ask for a new one."
    )
    TOO_MANY_ATTEMPTS = strawberry.enum_value(
        "too_many_attempts",
        description="Too many wrong codes: the change is void, make it again.",
    )
    CARD_NUMBER_NOT_ALLOWED = strawberry.enum_value(
        "card_number_not_allowed",
        description=(
            "A value looks like a payment card number: card numbers are never "
            "accepted or stored."
        ),
    )
    RATE_LIMITED = strawberry.enum_value(
        "rate_limited",
        description="Too many codes were sent in the last hour: try again later.",
    )


@strawberry.type(description="An expected reason a change was not made.")
class ContactError:
    code: ContactErrorCode
    field: str | None = strawberry.field(
        description="The input field at fault, when one is (camelCase path)."
    )
    message: str


@strawberry.input(
    description=(
        "Parts of a mailing address. Give the parts that change: a part left "
        "out keeps its value; `line2: null` removes the second line."
    )
)
class AddressInput:
    line1: str | None = strawberry.UNSET
    line2: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    state: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Two-letter code of a US state or territory (TX, DC, PR).",
    )
    postal_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="ZIP code or ZIP+4."
    )


@strawberry.input(
    description=(
        "Only the fields you give change. A new phone must be confirmed with "
        "the code texted to it (confirmPhone); a new e-mail address stays "
        "pending until confirmed with the code sent to it (confirmEmailChange)."
    )
)
class UpdateContactInformationInput:
    party_id: strawberry.ID | None = strawberry.field(
        default=None, description="Caseworkers: the party you act for."
    )
    version: int = strawberry.field(
        description=(
            "`contactVersion` as you read it: if the details changed since, "
            "nothing is changed and the answer is CONFLICT."
        )
    )
    mailing_address: AddressInput | None = strawberry.UNSET
    phone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Any usual form (512-555-0199); null removes the phone.",
    )
    email: str | None = strawberry.UNSET


@strawberry.type(description="The result of updateContactInformation.")
class UpdateContactInformationPayload:
    viewer: Viewer | None = strawberry.field(
        description="You, after the change (null for a caseworker, or on errors)."
    )
    party: Party | None = strawberry.field(
        description="The person whose details changed (null on errors)."
    )
    errors: list[ContactError]


@strawberry.input(description="The code sent to your new e-mail address.")
class ConfirmEmailChangeInput:
    code: str


@strawberry.type(description="The result of confirmEmailChange.")
class ConfirmEmailChangePayload:
    viewer: Viewer | None = strawberry.field(
        description="You, with the new address (null on errors)."
    )
    errors: list[ContactError]


@strawberry.input(description="The code texted to your phone.")
class ConfirmPhoneInput:
    code: str


@strawberry.type(description="The result of confirmPhone.")
class ConfirmPhonePayload:
    viewer: Viewer | None = strawberry.field(
        description="You, with your phone confirmed (null on errors)."
    )
    errors: list[ContactError]
