"""The principal behind a request, its access to a case, and the rows of a
list it may see (all decided by ``auth.authorization``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from auth.authorization import policy
from auth.authorization.access import CaseAccess
from auth.authorization.rules import TYPES
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


async def visible_rows(
    info: Info, type_name: str, case_id: int, rows: Sequence[Any]
) -> list[Any]:
    """The rows of a list on case ``case_id`` that the caller may see
    (``rules.TYPES[type_name]``: owners, protections)."""
    me = principal(info)
    access = await case_access(info, case_id)
    rule = TYPES[type_name]
    return [row for row in rows if not policy.row_hidden(me, rule, access, row)]
