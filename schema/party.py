"""People: a party as others see them (a name), and the viewer's own record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import viewer as resolve
from schema.context import Info
from schema.employer_report import EmployerReport
from schema.message import MessageThread
from schema.node import Node, RowBacked
from schema.personal import (
    DisbursementPreference,
    Employment,
    InsurancePolicy,
    NotificationPreference,
)

if TYPE_CHECKING:
    from schema.case import CaseConnection


@strawberry.type(description="A mailing address.")
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None


def _address(row: object) -> Address:
    return Address(
        line1=row.address_line1,  # type: ignore[attr-defined]
        line2=row.address_line2,  # type: ignore[attr-defined]
        city=row.city,  # type: ignore[attr-defined]
        state=row.state,  # type: ignore[attr-defined]
        postal_code=row.postal_code,  # type: ignore[attr-defined]
    )


@strawberry.type(
    description=(
        "A person on a case. Everyone who sees the case sees the name; the "
        "rest is for the person, caseworkers, and partners whose share grants "
        "personal data, and never leaves for a protected person (null)."
    )
)
class Party(RowBacked, Node):
    pk: strawberry.Private[int]
    first_name: str
    middle_name: str | None
    last_name: str
    date_of_birth: date | None
    masked_ssn: str | None = strawberry.field(description="Like ***-**-6789.")
    phone: str | None
    email: str | None
    family_violence_indicator: bool | None = strawberry.field(
        description="Caseworkers and partners: a family-violence indicator is set.",
    )

    @strawberry.field
    def mailing_address(self) -> Address | None:
        return _address(self)

    @strawberry.field(description="Jobs, as reported or verified.")
    async def employments(self, info: Info) -> list[Employment] | None:
        return await resolve.employments(info, self.pk)

    contact_version: int | None = strawberry.field(
        description=(
            "The person and caseworkers: the version of the contact details, "
            "to pass to updateContactInformation."
        )
    )

    @strawberry.field(
        description=(
            "The person and caseworkers: employers reported to the agency, "
            "newest first (PENDING until a caseworker verifies them)."
        )
    )
    async def employer_reports(self, info: Info) -> list[EmployerReport]:
        return await resolve.employer_reports(info, self.pk)


@strawberry.type(description="You: your profile, contact details and records.")
class Viewer(RowBacked, Node):
    pk: strawberry.Private[int]
    first_name: str
    middle_name: str | None
    last_name: str
    date_of_birth: date
    masked_ssn: str | None = strawberry.field(description="Like ***-**-6789.")
    phone: str | None
    email: str | None
    email_verified: bool
    phone_confirmed: bool = strawberry.field(
        description=(
            "Your phone was confirmed with a texted code (text messages go only "
            "to a confirmed phone)."
        )
    )
    contact_version: int = strawberry.field(
        description=(
            "The version of your contact details: pass it to "
            "updateContactInformation (a change made meanwhile makes it stale)."
        )
    )

    @strawberry.field(description="Your mailing address.")
    def mailing_address(self) -> Address:
        return _address(self)

    @strawberry.field(
        description=(
            "A new e-mail address waiting for the code sent to it (null when "
            "none is): `email` changes only once it is confirmed."
        )
    )
    async def pending_email(self, info: Info) -> str | None:
        return await resolve.pending_email(info, self.pk)

    @strawberry.field(
        description=(
            "Employers you reported, newest first: PENDING until a caseworker "
            "verifies them."
        )
    )
    async def employer_reports(self, info: Info) -> list[EmployerReport]:
        return await resolve.employer_reports(info, self.pk)

    @strawberry.field
    async def cases(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        open_only: bool = False,
    ) -> Annotated[CaseConnection, strawberry.lazy("schema.case")]:
        return await resolve.cases(info, self.pk, first, after, open_only)  # type: ignore[return-value]

    @strawberry.field
    async def employments(self, info: Info) -> list[Employment]:
        return await resolve.employments(info, self.pk)

    @strawberry.field
    async def health_insurance(self, info: Info) -> list[InsurancePolicy]:
        return await resolve.insurance_policies(info, self.pk)

    @strawberry.field(
        description=(
            "Every topic on every channel: your choices, and the defaults where "
            "you made none."
        )
    )
    async def notification_preferences(
        self, info: Info
    ) -> list[NotificationPreference]:
        # domain.notification_preferences.Preference rows, read by attribute
        return await resolve.notification_preferences(info, self.pk)  # type: ignore[return-value]

    @strawberry.field(description="Obligees: how payments reach you.")
    async def disbursement_preference(
        self, info: Info
    ) -> DisbursementPreference | None:
        return await resolve.disbursement_preference(info, self.pk)  # type: ignore[no-any-return]

    @strawberry.field
    async def unread_message_count(self, info: Info) -> int:
        return await resolve.unread_message_count(info, self.pk)

    @strawberry.field(description="Unread first, then newest first.")
    async def message_threads(self, info: Info) -> list[MessageThread]:
        return await resolve.message_threads(info, self.pk)
