"""GraphQL enums for every coded value: the data model's own enums
(``db.enums``), registered with Strawberry here (GraphQL values are the member
names). Importing any ``schema`` module registers them (``schema/__init__``)."""

from __future__ import annotations

from enum import Enum

import strawberry

from db import enums as coded

CODED_VALUES = (
    coded.AgencyKind,
    coded.AssistanceStatus,
    coded.BankAccountType,
    coded.Bucket,
    coded.CaseStatus,
    coded.CaseType,
    coded.CoverageType,
    coded.DisbursementMethod,
    coded.DisbursementStatus,
    coded.DocumentKind,
    coded.EmployerReportStatus,
    coded.Frequency,
    coded.HearingKind,
    coded.HearingStatus,
    coded.MessageTopic,
    coded.NotificationChannel,
    coded.NotificationTopic,
    coded.ObligationKind,
    coded.OrderStatus,
    coded.OwedTo,
    coded.ParticipantRole,
    coded.PaymentStatus,
    coded.SenderKind,
    coded.StaffRole,
)
for _coded in CODED_VALUES:
    strawberry.enum(_coded)


@strawberry.enum(description="Where a payment came from, as the caller may see it.")
class PaymentSource(Enum):
    INCOME_WITHHOLDING = "income_withholding"
    DIRECT_PAYMENT = "direct_payment"
    FEDERAL_TAX_OFFSET = "federal_tax_offset"
    STATE_TAX_OFFSET = "state_tax_offset"
    TAX_OFFSET = strawberry.enum_value(
        "tax_offset",
        description="A tax refund offset, for callers not entitled to its source.",
    )
    UNEMPLOYMENT_BENEFITS = "unemployment_benefits"
    OTHER_STATE = "other_state"
    OTHER = "other"
