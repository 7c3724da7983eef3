"""``Case.auditTrail``: who read or changed what on a case, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loaders.audit import AuditPageArgs
from loaders.paging import encode_cursor
from resolvers.paging import ConnectionData, connection, page_request
from schema.context import Info

AUDIT_CURSOR = "audit"


def _cursor(row: Any) -> str:
    return encode_cursor(AUDIT_CURSOR, row.occurred_at, row.pk)


async def audit_trail(
    info: Info, case_id: int, first: int | None, after: str | None
) -> ConnectionData:
    maximum = info.context.settings.max_page_size
    size, keyset = page_request(first, after, maximum, AUDIT_CURSOR, datetime, int)
    args = AuditPageArgs(size, keyset)
    page = await info.context.loaders.audit_events_by_case_id.load((case_id, args))
    return connection(page, _cursor)
