"""``cases(first:, after:, filter:)``: a page of the cases the caller may reach."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from db.enums import CaseStatus
from domain.case_number import is_case_number
from loaders.case import CaseFilterArgs
from loaders.paging import encode_cursor
from resolvers.access import principal
from resolvers.paging import ConnectionData, connection, page_request
from schema.context import Info
from schema.errors import BadUserInput

CASE_CURSOR = "case"
MAX_NAME = 100


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; it must carry an offset and stay within years 1-9999."""
    if moment.tzinfo is None:
        raise BadUserInput("updatedSince needs a time zone offset")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadUserInput("updatedSince is out of range") from None


def _case_cursor(row: Any) -> str:
    return encode_cursor(CASE_CURSOR, row.case_number)


async def cases(
    info: Info,
    first: int | None,
    after: str | None,
    *,
    status: CaseStatus | None = None,
    county: str | None = None,
    case_number: str | None = None,
    participant_name: str | None = None,
    updated_since: datetime | None = None,
) -> ConnectionData:
    """Cases by case number, within the caller's reach, filtered."""
    principal(info)
    maximum = info.context.settings.max_page_size
    size, keyset = page_request(first, after, maximum, CASE_CURSOR, str)
    if participant_name is not None:
        participant_name = participant_name.strip()
        if not 2 <= len(participant_name) <= MAX_NAME:
            raise BadUserInput(f"participantName must be 2 to {MAX_NAME} characters")
    if county is not None and not 1 <= len(county.strip()) <= MAX_NAME:
        raise BadUserInput(f"county must be 1 to {MAX_NAME} characters")
    if case_number is not None and not is_case_number(case_number):
        raise BadUserInput("caseNumber must be ten digits")
    for name, text in (("participantName", participant_name), ("county", county)):
        if text is not None and not text.isprintable():
            raise BadUserInput(f"{name} may not hold control characters")
    if updated_since is not None:
        updated_since = _utc(updated_since)
    args = CaseFilterArgs(
        size,
        keyset[0] if keyset else None,
        status,
        county.strip() if county else None,
        case_number,
        participant_name,
        updated_since,
    )
    page = await info.context.loaders.visible_cases.load(args)
    for row in page.rows:
        info.context.audit.case_read(row.pk)
    return connection(page, _case_cursor)
