"""The audit trail of a case, as caseworkers read it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.pagination import PageInfo


@strawberry.type(description="Who read or changed what on a case, and when.")
class AuditEvent:
    occurred_at: datetime
    actor_kind: str
    actor_id: strawberry.ID | None
    agency_id: strawberry.ID | None
    client_id: str | None
    action: str
    object_type: str | None
    object_id: strawberry.ID | None
    fields: list[str]
    outcome: str
    request_id: str | None


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type
class AuditEventConnection:
    edges: list[AuditEventEdge]
    nodes: list[AuditEvent]
    page_info: PageInfo
