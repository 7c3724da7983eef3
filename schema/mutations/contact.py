"""Mutations: contact information, employer, health insurance."""

from __future__ import annotations

import strawberry

from resolvers import (
    confirm_email_change,
    confirm_phone,
    report_employer_change,
    report_health_insurance,
    update_contact_information,
)
from schema.contact import (
    ConfirmEmailChangeInput,
    ConfirmEmailChangePayload,
    ConfirmPhoneInput,
    ConfirmPhonePayload,
    UpdateContactInformationInput,
    UpdateContactInformationPayload,
)
from schema.context import Info
from schema.reports import (
    ReportEmployerChangeInput,
    ReportEmployerChangePayload,
    ReportHealthInsuranceInput,
    ReportHealthInsurancePayload,
)


@strawberry.type
class ContactMutations:
    """A party's own records: contact details (with one-time codes for a new
    e-mail address or phone), employers and health insurance."""

    @strawberry.mutation(
        description=(
            "Change your mailing address, phone or e-mail address (caseworkers: "
            "a party's, with `partyId`). Give `version` as read from "
            "`contactVersion`. You get a security alert by e-mail."
        )
    )
    async def update_contact_information(
        self, info: Info, input: UpdateContactInformationInput
    ) -> UpdateContactInformationPayload:
        return await update_contact_information.update_contact_information(info, input)

    @strawberry.mutation(
        description="Confirm your new e-mail address with the code sent to it."
    )
    async def confirm_email_change(
        self, info: Info, input: ConfirmEmailChangeInput
    ) -> ConfirmEmailChangePayload:
        return await confirm_email_change.confirm_email_change(info, input)

    @strawberry.mutation(description="Confirm your phone with the code texted to it.")
    async def confirm_phone(
        self, info: Info, input: ConfirmPhoneInput
    ) -> ConfirmPhonePayload:
        return await confirm_phone.confirm_phone(info, input)

    @strawberry.mutation(
        description=(
            "Report a new employer (caseworkers: a party's, with `partyId`). "
            "It stays PENDING until a caseworker verifies it."
        )
    )
    async def report_employer_change(
        self, info: Info, input: ReportEmployerChangeInput
    ) -> ReportEmployerChangePayload:
        return await report_employer_change.report_employer_change(info, input)

    @strawberry.mutation(
        description=(
            "Report a health-insurance policy you hold, and the children on "
            "your cases it covers (caseworkers: a party's, with `partyId`)."
        )
    )
    async def report_health_insurance(
        self, info: Info, input: ReportHealthInsuranceInput
    ) -> ReportHealthInsurancePayload:
        return await report_health_insurance.report_health_insurance(info, input)
