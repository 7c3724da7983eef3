"""Per-request loaders: one DataLoader per lookup, created lazily, never shared
between requests (their caches hold what one principal may see)."""

from __future__ import annotations

from datetime import date
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncEngine

from auth.principal import Principal
from loaders.access import AccessByCaseIdLoader
from loaders.audit import AuditEventsByCaseIdLoader
from loaders.balance import BalanceByOrderIdLoader, LedgerSumsByOrderIdLoader
from loaders.base import Reads, Source
from loaders.case import (
    CaseByIdLoader,
    CaseByNumberLoader,
    CasesByPartyIdLoader,
    OfficeByIdLoader,
    StaffByIdLoader,
    VisibleCasesLoader,
)
from loaders.case_record import (
    ActivitiesByCaseIdLoader,
    DocumentsByCaseIdLoader,
    HearingsByCaseIdLoader,
)
from loaders.child import ChildrenByCaseIdLoader, ChildrenByPolicyIdLoader
from loaders.contact import (
    EmployerReportsByPartyIdLoader,
    NewestEmailConfirmationByPartyIdLoader,
)
from loaders.message import (
    MessagesByThreadIdLoader,
    ThreadByIdLoader,
    ThreadsByCaseIdLoader,
    ThreadsByPartyIdLoader,
)
from loaders.order import (
    ObligationsByOrderIdLoader,
    OrderByIdLoader,
    OrdersByCaseIdLoader,
)
from loaders.party import (
    ParticipantsByCaseIdLoader,
    PartyByIdLoader,
    PartyNodeLoader,
)
from loaders.payment import (
    AllocationsByPaymentIdLoader,
    DisbursementsByPaymentIdLoader,
    PaymentByIdLoader,
    PaymentsByOrderIdLoader,
)
from loaders.personal import (
    DisbursementPreferenceByPartyIdLoader,
    EmploymentsByPartyIdLoader,
    NotificationPreferencesByPartyIdLoader,
    PoliciesByPartyIdLoader,
    PolicyByIdLoader,
)


class Loaders:
    """The request's loaders; each is built on first use."""

    def __init__(
        self,
        engine: AsyncEngine,
        as_of: date,
        principal: Principal | None = None,
        *,
        held: bool = False,
    ) -> None:
        #: Where the loaders read: with ``held``, one connection for the
        #: whole request (``close`` hands it back), else one per batch.
        self.engine: Source = Reads(engine) if held else engine
        self.as_of = as_of
        #: Whose request this is: loaders that find entry points (a case by
        #: number, a node by id, a page of cases) only find what it may reach.
        self.principal = principal

    async def close(self) -> None:
        """Hand back the request's connection, if it holds one."""
        if isinstance(self.engine, Reads):
            await self.engine.close()

    @cached_property
    def access_by_case_id(self) -> AccessByCaseIdLoader:
        return AccessByCaseIdLoader(self.engine, self.principal)

    @cached_property
    def visible_cases(self) -> VisibleCasesLoader:
        return VisibleCasesLoader(self.engine, self.principal, self.access_by_case_id)

    @cached_property
    def party_node(self) -> PartyNodeLoader:
        return PartyNodeLoader(self.engine, self.principal)

    @cached_property
    def audit_events_by_case_id(self) -> AuditEventsByCaseIdLoader:
        return AuditEventsByCaseIdLoader(self.engine)

    @cached_property
    def party_by_id(self) -> PartyByIdLoader:
        return PartyByIdLoader(self.engine)

    @cached_property
    def cases_by_party_id(self) -> CasesByPartyIdLoader:
        return CasesByPartyIdLoader(self.engine, self.principal, self.access_by_case_id)

    @cached_property
    def case_by_id(self) -> CaseByIdLoader:
        return CaseByIdLoader(self.engine, self.principal).primed(
            self.access_by_case_id
        )

    @cached_property
    def case_by_number(self) -> CaseByNumberLoader:
        return CaseByNumberLoader(self.engine, self.principal).primed(
            self.access_by_case_id
        )

    @cached_property
    def participants_by_case_id(self) -> ParticipantsByCaseIdLoader:
        return ParticipantsByCaseIdLoader(self.engine)

    @cached_property
    def office_by_id(self) -> OfficeByIdLoader:
        return OfficeByIdLoader(self.engine)

    @cached_property
    def staff_by_id(self) -> StaffByIdLoader:
        return StaffByIdLoader(self.engine)

    @cached_property
    def children_by_case_id(self) -> ChildrenByCaseIdLoader:
        return ChildrenByCaseIdLoader(self.engine)

    @cached_property
    def children_by_policy_id(self) -> ChildrenByPolicyIdLoader:
        return ChildrenByPolicyIdLoader(self.engine)

    @cached_property
    def orders_by_case_id(self) -> OrdersByCaseIdLoader:
        return OrdersByCaseIdLoader(self.engine)

    @cached_property
    def order_by_id(self) -> OrderByIdLoader:
        return OrderByIdLoader(self.engine, self.principal)

    @cached_property
    def obligations_by_order_id(self) -> ObligationsByOrderIdLoader:
        return ObligationsByOrderIdLoader(self.engine)

    @cached_property
    def ledger_sums_by_order_id(self) -> LedgerSumsByOrderIdLoader:
        return LedgerSumsByOrderIdLoader(self.engine, self.as_of)

    @cached_property
    def balance_by_order_id(self) -> BalanceByOrderIdLoader:
        return BalanceByOrderIdLoader(
            self.engine,
            self.as_of,
            self.ledger_sums_by_order_id,
            self.obligations_by_order_id,
        )

    @cached_property
    def payments_by_order_id(self) -> PaymentsByOrderIdLoader:
        return PaymentsByOrderIdLoader(self.engine)

    @cached_property
    def payment_by_id(self) -> PaymentByIdLoader:
        return PaymentByIdLoader(self.engine, self.principal)

    @cached_property
    def allocations_by_payment_id(self) -> AllocationsByPaymentIdLoader:
        return AllocationsByPaymentIdLoader(self.engine)

    @cached_property
    def disbursements_by_payment_id(self) -> DisbursementsByPaymentIdLoader:
        return DisbursementsByPaymentIdLoader(self.engine)

    @cached_property
    def hearings_by_case_id(self) -> HearingsByCaseIdLoader:
        return HearingsByCaseIdLoader(self.engine)

    @cached_property
    def activities_by_case_id(self) -> ActivitiesByCaseIdLoader:
        return ActivitiesByCaseIdLoader(self.engine)

    @cached_property
    def documents_by_case_id(self) -> DocumentsByCaseIdLoader:
        return DocumentsByCaseIdLoader(self.engine)

    @cached_property
    def threads_by_party_id(self) -> ThreadsByPartyIdLoader:
        return ThreadsByPartyIdLoader(self.engine)

    @cached_property
    def threads_by_case_id(self) -> ThreadsByCaseIdLoader:
        return ThreadsByCaseIdLoader(self.engine, self.principal)

    @cached_property
    def thread_by_id(self) -> ThreadByIdLoader:
        return ThreadByIdLoader(self.engine, self.principal)

    @cached_property
    def messages_by_thread_id(self) -> MessagesByThreadIdLoader:
        return MessagesByThreadIdLoader(self.engine)

    @cached_property
    def employments_by_party_id(self) -> EmploymentsByPartyIdLoader:
        return EmploymentsByPartyIdLoader(self.engine)

    @cached_property
    def policies_by_party_id(self) -> PoliciesByPartyIdLoader:
        return PoliciesByPartyIdLoader(self.engine)

    @cached_property
    def policy_by_id(self) -> PolicyByIdLoader:
        return PolicyByIdLoader(self.engine)

    @cached_property
    def employer_reports_by_party_id(self) -> EmployerReportsByPartyIdLoader:
        return EmployerReportsByPartyIdLoader(self.engine)

    @cached_property
    def newest_email_confirmation_by_party_id(
        self,
    ) -> NewestEmailConfirmationByPartyIdLoader:
        return NewestEmailConfirmationByPartyIdLoader(self.engine)

    @cached_property
    def notification_preferences_by_party_id(
        self,
    ) -> NotificationPreferencesByPartyIdLoader:
        return NotificationPreferencesByPartyIdLoader(self.engine)

    @cached_property
    def disbursement_preference_by_party_id(
        self,
    ) -> DisbursementPreferenceByPartyIdLoader:
        return DisbursementPreferenceByPartyIdLoader(self.engine)
