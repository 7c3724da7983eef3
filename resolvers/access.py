"""The principal behind a request, and its access to a case."""

from __future__ import annotations

from auth.authorization.access import CaseAccess
from auth.principal import Principal
from schema.context import Info
from schema.errors import Unauthenticated


def principal(info: Info) -> Principal:
    """The caller; anonymous callers never reach a non-public resolver (the
    schema refuses them first), so this is a second lock on the same door."""
    found = info.context.principal
    if found is None:
        raise Unauthenticated("authentication required")
    return found


def party_id(info: Info) -> int | None:
    """The calling parent's party id, or None for other principals."""
    found = principal(info)
    return found.id if found.is_party else None


async def case_access(info: Info, case_id: int) -> CaseAccess:
    """The caller's access to one case (batched, once per case a request)."""
    return await info.context.loaders.access_by_case_id.load(case_id)
