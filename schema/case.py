"""Cases: the summary page, with the people, children, orders and history."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from db.enums import (
    AssistanceStatus,
    CaseStatus,
    CaseType,
    DocumentKind,
    HearingKind,
    HearingStatus,
    ParticipantRole,
    StaffRole,
)
from resolvers import audit
from resolvers import case as resolve
from schema.audit import AuditEventConnection
from schema.child import Child
from schema.context import Info
from schema.message import MessageThread
from schema.node import Node, RowBacked
from schema.order import Order
from schema.pagination import PageInfo
from schema.party import Party


@strawberry.type(description="The office that runs a case, and how to reach it.")
class Office:
    name: str
    county: str | None
    address_line1: str | None
    city: str | None
    state: str
    postal_code: str | None
    phone: str | None
    email: str | None
    office_hours: str | None


@strawberry.type(description="The caseworker assigned to a case.")
class Caseworker:
    first_name: str
    last_name: str
    role: StaffRole
    email: str
    phone: str | None


@strawberry.type(description="Someone on the case, in a role.")
class Participant:
    role: ParticipantRole

    @strawberry.field
    def party(self) -> Party:
        return self  # type: ignore[return-value]


@strawberry.type(description="A court hearing or an agency appointment.")
class Hearing:
    kind: HearingKind
    status: HearingStatus
    scheduled_at: datetime
    location: str
    description: str


@strawberry.type(description="Something the agency did on the case.")
class CaseActivity:
    occurred_at: datetime
    code: str
    description: str


@strawberry.type(description="A notice, letter or order on the case.")
class CaseDocument:
    kind: DocumentKind
    title: str
    sent_on: date


@strawberry.type(description="A child-support case.")
class Case(RowBacked, Node):
    pk: strawberry.Private[int]
    case_number: str = strawberry.field(description="Ten digits.")
    status: CaseStatus
    case_type: CaseType
    assistance_status: AssistanceStatus
    opened_on: date
    closed_on: date | None
    updated_at: datetime = strawberry.field(
        description="When the case record last changed."
    )

    @strawberry.field(description="Your role on this case (parents).")
    async def my_role(self, info: Info) -> ParticipantRole | None:
        return await resolve.viewer_role(info, self.pk)

    @strawberry.field
    async def office(self, info: Info) -> Office:
        return await resolve.office(info, self.office_id)  # type: ignore[attr-defined, no-any-return]

    @strawberry.field
    async def caseworker(self, info: Info) -> Caseworker | None:
        return await resolve.caseworker(info, self.caseworker_id)  # type: ignore[attr-defined, no-any-return]

    @strawberry.field
    async def participants(self, info: Info) -> list[Participant]:
        return await resolve.participants(info, self.pk)

    @strawberry.field(description="Parents: the parent on the other side (their name).")
    async def other_party(self, info: Info) -> Party | None:
        return await resolve.other_party(info, self.pk)  # type: ignore[no-any-return]

    @strawberry.field
    async def children(self, info: Info) -> list[Child]:
        return await resolve.children(info, self.pk)

    @strawberry.field
    async def orders(self, info: Info) -> list[Order]:
        return await resolve.orders(info, self.pk)

    @strawberry.field(description="Court dates and appointments, soonest first.")
    async def hearings(self, info: Info, upcoming_only: bool = False) -> list[Hearing]:
        return await resolve.hearings(info, self.pk, upcoming_only)

    @strawberry.field(description="Newest first.")
    async def activities(self, info: Info) -> list[CaseActivity]:
        return await resolve.activities(info, self.pk)

    @strawberry.field(description="Documents and correspondence, newest first.")
    async def documents(self, info: Info) -> list[CaseDocument]:
        return await resolve.documents(info, self.pk)

    @strawberry.field(
        description="Parents: your conversations about this case; caseworkers: all."
    )
    async def message_threads(self, info: Info) -> list[MessageThread]:
        return await resolve.message_threads(info, self.pk)

    @strawberry.field(
        description="Caseworkers: who read or changed what on this case, newest first."
    )
    async def audit_trail(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> AuditEventConnection | None:
        return await audit.audit_trail(info, self.pk, first, after)  # type: ignore[return-value]


@strawberry.type
class CaseEdge:
    cursor: str
    node: Case


@strawberry.type
class CaseConnection:
    edges: list[CaseEdge]
    nodes: list[Case]
    page_info: PageInfo
