"""Every coded value the data model holds; the GraphQL enums are built from these."""

from __future__ import annotations

from enum import StrEnum


class AgencyKind(StrEnum):
    COUNTY_OFFICE = "county_office"
    STATE_OFFICE = "state_office"
    PARTNER_STATE_AGENCY = "partner_state_agency"
    COURT = "court"
    TANF_OFFICE = "tanf_office"


class StaffRole(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"


class CaseStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    CLOSED = "closed"


class CaseType(StrEnum):
    IV_D = "iv_d"
    INTERSTATE_INITIATING = "interstate_initiating"
    INTERSTATE_RESPONDING = "interstate_responding"
    NON_IV_D = "non_iv_d"


class AssistanceStatus(StrEnum):
    CURRENT_TANF = "current_tanf"
    FORMER_TANF = "former_tanf"
    NEVER_TANF = "never_tanf"


class ParticipantRole(StrEnum):
    OBLIGOR = "obligor"
    OBLIGEE = "obligee"
    CARETAKER = "caretaker"


class FamilyViolenceCode(StrEnum):
    FAMILY_VIOLENCE = "family_violence"
    PROTECTIVE_ORDER = "protective_order"
    CHILD_ABUSE = "child_abuse"


class OrderStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class ObligationKind(StrEnum):
    CURRENT_CHILD_SUPPORT = "current_child_support"
    MEDICAL_SUPPORT = "medical_support"
    SPOUSAL_SUPPORT = "spousal_support"
    ARREARS_REPAYMENT = "arrears_repayment"


class Frequency(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"


class LedgerEntryType(StrEnum):
    ACCRUAL = "accrual"
    COLLECTION = "collection"
    ALLOCATION = "allocation"
    ADJUSTMENT = "adjustment"


class Bucket(StrEnum):
    """What a ledger amount is owed for; the allocation order walks these."""

    CURRENT_SUPPORT = "current_support"
    MEDICAL_SUPPORT = "medical_support"
    SPOUSAL_SUPPORT = "spousal_support"
    ARREARS = "arrears"
    INTEREST = "interest"
    FEES = "fees"


class OwedTo(StrEnum):
    FAMILY = "family"
    STATE = "state"


class PaymentSource(StrEnum):
    INCOME_WITHHOLDING = "income_withholding"
    DIRECT_PAYMENT = "direct_payment"
    FEDERAL_TAX_OFFSET = "federal_tax_offset"
    STATE_TAX_OFFSET = "state_tax_offset"
    UNEMPLOYMENT_BENEFITS = "unemployment_benefits"
    OTHER_STATE = "other_state"
    OTHER = "other"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    HELD = "held"
    DISBURSED = "disbursed"
    REVERSED = "reversed"
    FAILED = "failed"


class DisbursementMethod(StrEnum):
    DIRECT_DEPOSIT = "direct_deposit"
    PREPAID_CARD = "prepaid_card"
    CHECK = "check"


class BankAccountType(StrEnum):
    """The kind of bank account a direct deposit goes to (ACH needs it)."""

    CHECKING = "checking"
    SAVINGS = "savings"


class DisbursementStatus(StrEnum):
    ISSUED = "issued"
    CLEARED = "cleared"
    RETURNED = "returned"
    VOIDED = "voided"


class CoverageType(StrEnum):
    MEDICAL = "medical"
    DENTAL = "dental"
    VISION = "vision"


class HearingKind(StrEnum):
    COURT_HEARING = "court_hearing"
    APPOINTMENT = "appointment"
    GENETIC_TEST = "genetic_test"


class HearingStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DocumentKind(StrEnum):
    NOTICE = "notice"
    LETTER = "letter"
    COURT_ORDER = "court_order"
    FORM = "form"


class MessageTopic(StrEnum):
    ADDRESS_CHANGE = "address_change"
    EMPLOYER_CHANGE = "employer_change"
    HEALTH_INSURANCE = "health_insurance"
    PAYMENT_QUESTION = "payment_question"
    CASE_QUESTION = "case_question"
    OTHER = "other"


class SenderKind(StrEnum):
    PARTY = "party"
    STAFF = "staff"


class NotificationTopic(StrEnum):
    PAYMENT_RECEIVED = "payment_received"
    PAYMENT_DISBURSED = "payment_disbursed"
    CASE_UPDATE = "case_update"
    COURT_DATE = "court_date"
    NEW_MESSAGE = "new_message"
    SECURITY_ALERT = "security_alert"


class NotificationChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class ShareScope(StrEnum):
    """What a partner agency may read of a shared case."""

    CASE_READ = "case:read"
    PERSONAL_DATA = "pii:read"
    FEDERAL_TAX_INFO = "fti:read"


class ActorKind(StrEnum):
    PARTY = "party"
    STAFF = "staff"
    AGENCY = "agency"
    #: A login not linked to a party yet (issuer and subject say who).
    UNLINKED = "unlinked"
    SYSTEM = "system"


class AuditOutcome(StrEnum):
    """How an audited read or change ended."""

    ALLOWED = "allowed"
    REDACTED = "redacted"
    DENIED = "denied"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    LOCKED = "locked"


class OutboxStatus(StrEnum):
    """Where a notification stands in the outbox."""

    PENDING = "pending"
    SENT = "sent"
    #: Given up after the last retry, or its recipient can no longer get it.
    DEAD = "dead"


class EmployerReportStatus(StrEnum):
    """A parent's report of a new employer, as the caseworker handles it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
