"""All tables, imported so that ``Base.metadata`` knows every one of them."""

from db.base import Base
from db.models.account_link_attempt import AccountLinkAttempt
from db.models.agency import Agency
from db.models.audit_event import AuditEvent
from db.models.case import Case
from db.models.case_activity import CaseActivity
from db.models.case_child import CaseChild
from db.models.case_document import CaseDocument
from db.models.case_participant import CaseParticipant
from db.models.child import Child
from db.models.contact_confirmation import ContactConfirmation
from db.models.disbursement import Disbursement
from db.models.disbursement_preference import DisbursementPreference
from db.models.employer import Employer
from db.models.employer_report import EmployerReport
from db.models.employment import Employment
from db.models.family_violence import FamilyViolenceIndicator
from db.models.hearing import Hearing
from db.models.help_content import FaqEntry, GlossaryTerm
from db.models.idempotency_key import IdempotencyKey
from db.models.identity_link import IdentityLink
from db.models.insurance_coverage import InsuranceCoverage
from db.models.insurance_policy import InsurancePolicy
from db.models.ledger_entry import LedgerEntry
from db.models.message import Message
from db.models.message_thread import MessageThread
from db.models.notification_preference import NotificationPreference
from db.models.obligation import Obligation
from db.models.outbox_event import OutboxEvent
from db.models.partner_share import PartnerCaseShare
from db.models.party import Party
from db.models.payment import Payment
from db.models.persisted_document import PersistedDocument
from db.models.rate_limit_bucket import RateLimitBucket
from db.models.sandbox_charge import SandboxCharge
from db.models.sandbox_sms import SandboxSms
from db.models.staff import Staff
from db.models.support_order import SupportOrder

__all__ = [
    "AccountLinkAttempt",
    "Agency",
    "AuditEvent",
    "Base",
    "Case",
    "CaseActivity",
    "CaseChild",
    "CaseDocument",
    "CaseParticipant",
    "Child",
    "ContactConfirmation",
    "Disbursement",
    "DisbursementPreference",
    "Employer",
    "EmployerReport",
    "Employment",
    "FamilyViolenceIndicator",
    "FaqEntry",
    "GlossaryTerm",
    "Hearing",
    "IdempotencyKey",
    "IdentityLink",
    "InsuranceCoverage",
    "InsurancePolicy",
    "LedgerEntry",
    "Message",
    "MessageThread",
    "NotificationPreference",
    "Obligation",
    "OutboxEvent",
    "PartnerCaseShare",
    "Party",
    "Payment",
    "PersistedDocument",
    "RateLimitBucket",
    "SandboxCharge",
    "SandboxSms",
    "Staff",
    "SupportOrder",
]
