"""A parent's own records: employment, health insurance, notification options,
how they receive payments."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from db.enums import (
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

    @strawberry.field
    async def covered_children(self, info: Info) -> list[Child]:
        return await resolve.covered_children(info, self.pk)


@strawberry.type(description="Opted in or out of one topic on one channel.")
class NotificationPreference:
    topic: NotificationTopic
    channel: NotificationChannel
    opted_in: bool
    updated_at: datetime


@strawberry.type(description="How payments reach you.")
class DisbursementPreference:
    method: DisbursementMethod
    account_last4: str | None
    updated_at: datetime
