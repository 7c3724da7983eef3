"""The logged-in parent: their own record and their cases."""

from __future__ import annotations

from typing import Any

from domain.confirmation_codes import StoredCode, is_pending
from domain.notification_preferences import Preference, Stored, full_set
from loaders.case import CasePageArgs
from loaders.paging import encode_cursor
from resolvers.access import party_id, principal
from resolvers.paging import ConnectionData, connection, page_request
from schema.context import Info
from schema.errors import BadUserInput

CASE_CURSOR = "case"


async def viewer(info: Info) -> Any:
    """The calling parent's record; None for callers who are not a party."""
    pid = party_id(info)
    if pid is None:
        return None
    return await info.context.loaders.party_by_id.load(pid)


def _case_cursor(row: Any) -> str:
    return encode_cursor(CASE_CURSOR, row.case_number)


async def cases(
    info: Info, pid: int, first: int | None, after: str | None, open_only: bool
) -> ConnectionData:
    """A page of the viewer's cases, by case number."""
    if party_id(info) != pid:
        raise BadUserInput("not available")
    maximum = info.context.settings.max_page_size
    size, keyset = page_request(first, after, maximum, CASE_CURSOR, str)
    args = CasePageArgs(size, keyset[0] if keyset else None, open_only)
    page = await info.context.loaders.cases_by_party_id.load((pid, args))
    return connection(page, _case_cursor)


async def employments(info: Info, pid: int) -> list[Any]:
    return await info.context.loaders.employments_by_party_id.load(pid)


async def insurance_policies(info: Info, pid: int) -> list[Any]:
    return await info.context.loaders.policies_by_party_id.load(pid)


async def employer_reports(info: Info, pid: int) -> list[Any]:
    return await info.context.loaders.employer_reports_by_party_id.load(pid)


async def pending_email(info: Info, pid: int) -> str | None:
    """The new e-mail address waiting for its code, if one is."""
    row = await info.context.loaders.newest_email_confirmation_by_party_id.load(pid)
    if row is None:
        return None
    stored = StoredCode(row.code_digest, row.attempts, row.expires_at, row.consumed_at)
    max_attempts = info.context.settings.confirmation_code_max_attempts
    return str(row.value) if is_pending(stored, row.now, max_attempts) else None


async def covered_children(info: Info, policy_id: int) -> list[Any]:
    """Covered children; their details follow the same rules as on the cases
    (a policy holder who only pays for a child sees the child's name)."""
    return await info.context.loaders.children_by_policy_id.load(policy_id)


async def notification_preferences(info: Info, pid: int) -> list[Preference]:
    """Every topic on every channel: the party's choices, defaults elsewhere
    (the rule the outbox follows)."""
    rows = await info.context.loaders.notification_preferences_by_party_id.load(pid)
    return full_set(
        Stored(row.topic, row.channel, row.opted_in, row.updated_at) for row in rows
    )


async def disbursement_preference(info: Info, pid: int) -> Any:
    return await info.context.loaders.disbursement_preference_by_party_id.load(pid)


async def unread_message_count(info: Info, pid: int) -> int:
    """The sum of the viewer's threads' unread counts, from the same statement
    as ``messageThreads``: the total never disagrees with the threads."""
    threads = await info.context.loaders.threads_by_party_id.load(pid)
    return sum(int(thread.unread_count) for thread in threads)


async def message_threads(info: Info, pid: int) -> list[Any]:
    principal(info)
    return await info.context.loaders.threads_by_party_id.load(pid)
