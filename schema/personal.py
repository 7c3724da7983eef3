"""A parent's own records: employment, health insurance, notification options,
how they receive payments."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from db.enums import (
    BankAccountType,
    CoverageType,
    DisbursementMethod,
    NotificationChannel,
    NotificationTopic,
)
from resolvers import viewer as resolve
from schema.child import Child
from schema.context import Info


@strawberry.type(description="A job, as reported or verified.")
class Employment:
    employer_name: str
    address_line1: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    phone: str | None
    start_date: date
    end_date: date | None
    income_withholding: bool
    verified: bool


@strawberry.type(description="A health-insurance policy you hold.")
class InsurancePolicy:
    pk: strawberry.Private[int]
    carrier: str
    masked_policy_number: str
    group_number: str | None
    coverage_type: CoverageType
    start_date: date
    end_date: date | None
    reported_at: datetime | None = strawberry.field(
        description=(
            "When it was reported to the agency (pending until verified); null "
            "for policies from the agency's own records."
        )
    )

    @strawberry.field
    async def covered_children(self, info: Info) -> list[Child]:
        return await resolve.covered_children(info, self.pk)


@strawberry.type(
    description=(
        "Whether you get one topic on one channel: your choice, or the default "
        "(e-mail on, text messages off) when you never made one. Texts go only "
        "to a confirmed phone."
    )
)
class NotificationPreference:
    topic: NotificationTopic
    channel: NotificationChannel
    enabled: bool
    mandatory: bool = strawberry.field(
        description="Always on: security alerts by e-mail cannot be turned off."
    )
    updated_at: datetime | None = strawberry.field(
        description="When you last changed it; null: never (the default applies)."
    )

    @strawberry.field(deprecation_reason="Use `enabled`.")
    def opted_in(self) -> bool:
        return self.enabled


@strawberry.type(description="How payments reach you.")
class DisbursementPreference:
    method: DisbursementMethod
    account_last4: str | None = strawberry.field(
        description=(
            "Direct deposit: the last four digits of the account (all that is "
            "kept of the account number)."
        )
    )
    routing_number: str | None = strawberry.field(
        description=(
            "Direct deposit: the bank's routing number, in full: it names the "
            "bank, not you, and is printed on every check."
        )
    )
    account_type: BankAccountType | None
    version: int = strawberry.field(
        description="Send it back with a change (`updateDisbursementPreference`)."
    )
    updated_at: datetime
