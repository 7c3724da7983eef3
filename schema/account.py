"""Account linking: the input, the payload and its errors."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from schema.party import Viewer


@strawberry.enum(description="Why an account could not be linked.")
class AccountLinkErrorCode(Enum):
    VERIFICATION_FAILED = strawberry.enum_value(
        "verification_failed",
        description=(
            "The details do not match a person on that case (whatever did not "
            "match, the error is the same)."
        ),
    )
    ACCOUNT_LOCKED = strawberry.enum_value(
        "account_locked",
        description="Too many failed attempts: try again from `retryAt`.",
    )
    ALREADY_LINKED = strawberry.enum_value(
        "already_linked",
        description="This login, or the person, is already linked.",
    )
    INVALID_INPUT = strawberry.enum_value(
        "invalid_input",
        description="A value is far too long to be what was asked for.",
    )


@strawberry.type(description="An expected reason a link was not made.")
class AccountLinkError:
    code: AccountLinkErrorCode
    field: str | None = strawberry.field(
        description="The input field at fault, when one is (camelCase)."
    )
    message: str
    retry_at: datetime | None = strawberry.field(
        default=None, description="With ACCOUNT_LOCKED: when to try again."
    )


@strawberry.input(
    description="What you know from your case papers, to prove who you are."
)
class LinkAccountInput:
    case_number: str = strawberry.field(description="The 10-digit case number.")
    date_of_birth: date
    ssn_last4: str = strawberry.field(
        description="The last four digits of your Social Security number."
    )


@strawberry.type(description="The result of linkAccount: you, or why not.")
class LinkAccountPayload:
    viewer: Viewer | None = strawberry.field(
        description="Your record, once linked (null when errors is not empty)."
    )
    errors: list[AccountLinkError]
