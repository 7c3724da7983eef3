"""A case's audit trail, newest first, a page per case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, tuple_

from db.models import AuditEvent
from loaders.paging import PagedLoader, Paging


@dataclass(frozen=True, slots=True)
class AuditPageArgs:
    """Newest first; ``after`` is the previous page's last (occurred_at, id)."""

    first: int
    after: tuple[datetime, int] | None = None


_AFTER = (
    bindparam("after_at", type_=AuditEvent.occurred_at.type),
    bindparam("after_id", type_=AuditEvent.id.type),
)


class AuditEventsByCaseIdLoader(PagedLoader[AuditPageArgs]):
    def shape(self, args: AuditPageArgs) -> bool:
        return args.after is not None

    def values(self, args: AuditPageArgs) -> dict[str, Any]:
        if args.after is None:
            return {}
        return {"after_at": args.after[0], "after_id": args.after[1]}

    def paging(self, args: AuditPageArgs) -> Paging:
        inner = select(
            AuditEvent.id.label("pk"),
            AuditEvent.occurred_at,
            AuditEvent.actor_kind,
            AuditEvent.actor_id,
            AuditEvent.agency_id,
            AuditEvent.client_id,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.fields,
            AuditEvent.outcome,
            AuditEvent.request_id,
        )
        if args.after is not None:
            inner = inner.where(
                tuple_(AuditEvent.occurred_at, AuditEvent.id) < tuple_(*_AFTER)
            )
        return Paging(inner, AuditEvent.case_id, [("occurred_at", True), ("pk", True)])
