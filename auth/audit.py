"""The request's audit records, written in one statement before the response.

Every read of someone else's personal data, every partner request, every
caseworker read of a case and every change is recorded: who (kind, id, agency,
client id, issuer and subject), when, the request id, the case, the object, the
fields and the outcome. Records of one request are merged per (action, case,
object, outcome) and inserted with one multi-row ``INSERT`` that the view
awaits before it sends the response (``flush``); if that fails, the response
is an error, never unaudited data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from auth.principal import Principal, PrincipalKind
from db import statements
from db.enums import ActorKind, AuditOutcome
from db.models import AuditEvent

_ACTOR = {
    PrincipalKind.PARTY: ActorKind.PARTY,
    PrincipalKind.STAFF: ActorKind.STAFF,
    PrincipalKind.AGENCY: ActorKind.AGENCY,
    PrincipalKind.UNLINKED: ActorKind.UNLINKED,
}

#: Actions recorded.
READ_PERSONAL = "read_personal_data"
READ_CASE = "read_case"
PARTNER_READ = "partner_read"


@dataclass(slots=True)
class _Record:
    fields: set[str] = field(default_factory=set)
    detail: dict[str, Any] | None = None


Key = tuple[str, int | None, str | None, int | None, AuditOutcome]


#: One audit event, every column bound (``flush`` sends it once per record).
_INSERT = (
    insert(AuditEvent)
    .inline()
    .values(
        {
            name: bindparam(name, type_=AuditEvent.__table__.c[name].type)
            for name in (
                "issuer",
                "subject",
                "client_id",
                "agency_id",
                "actor_kind",
                "actor_id",
                "request_id",
                "action",
                "case_id",
                "object_type",
                "object_id",
                "outcome",
                "fields",
                "detail",
            )
        }
    )
)


class AuditLog:
    """Collects one request's records; ``flush`` writes them."""

    def __init__(self, principal: Principal | None, request_id: str | None) -> None:
        self.principal = principal
        self.request_id = request_id
        self._records: dict[Key, _Record] = {}

    def record(
        self,
        action: str,
        *,
        case_id: int | None = None,
        object_type: str | None = None,
        object_id: int | None = None,
        fields: tuple[str, ...] = (),
        outcome: AuditOutcome = AuditOutcome.ALLOWED,
        detail: dict[str, Any] | None = None,
    ) -> None:
        key = (action, case_id, object_type, object_id, outcome)
        entry = self._records.setdefault(key, _Record())
        entry.fields.update(fields)
        if detail is not None:
            entry.detail = detail

    def case_read(self, case_id: int) -> None:
        """A caseworker's or a partner's read of a case (parents' own reads
        of their cases are not recorded; their reads of others' personal data
        would be, and there are none they may make)."""
        principal = self.principal
        if principal is None or principal.is_party or principal.is_unlinked:
            return
        action = PARTNER_READ if principal.is_agency else READ_CASE
        self.record(action, case_id=case_id, object_type="Case", object_id=case_id)

    def rows(self) -> list[dict[str, Any]]:
        """The records as ``audit_events`` rows."""
        principal = self.principal
        if principal is not None and principal.kind in _ACTOR:
            actor: dict[str, Any] = {
                "actor_kind": _ACTOR[principal.kind],
                "actor_id": None if principal.is_unlinked else principal.id,
            }
        else:
            actor = {"actor_kind": ActorKind.SYSTEM, "actor_id": None}
        if principal is not None:
            actor |= {
                "issuer": principal.issuer,
                "subject": principal.subject,
                "client_id": principal.client_id,
                "agency_id": principal.agency_id,
            }
        return [
            {
                "issuer": None,
                "subject": None,
                "client_id": None,
                "agency_id": None,
                **actor,
                "request_id": self.request_id,
                "action": action,
                "case_id": case_id,
                "object_type": object_type,
                "object_id": object_id,
                "outcome": outcome,
                "fields": sorted(entry.fields),
                "detail": entry.detail,
            }
            for (action, case_id, object_type, object_id, outcome), entry in (
                self._records.items()
            )
        ]

    async def flush(self, engine: AsyncEngine) -> None:
        """Insert the records (one statement), then forget them. A partner's
        request is recorded even when it read no case."""
        principal = self.principal
        if not self._records and principal is not None and principal.is_agency:
            self.record(PARTNER_READ)
        if not self._records:
            return
        rows = self.rows()
        self._records.clear()
        # one statement, its own transaction (all rows or none)
        async with engine.connect() as conn:
            await statements.execute_many(conn, _INSERT, rows)

    async def write(self, conn: AsyncConnection) -> None:
        """Insert the records on ``conn`` (inside the caller's transaction)."""
        if not self._records:
            return
        rows = self.rows()
        # cleared first: records handed to a transaction that then rolls back
        # must not be written again by a later flush
        self._records.clear()
        await conn.execute(insert(AuditEvent).values(rows))
