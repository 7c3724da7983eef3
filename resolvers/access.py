"""The principal behind a request, for resolvers that need one."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from aiodataloader import DataLoader

from auth import policy
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


async def load_on_visible_case(
    info: Info, loader: DataLoader[Any, Any], key: Hashable, case_of: str = "case_id"
) -> Any:
    """The row ``loader`` finds for ``key`` if it belongs to a case the viewer
    may see, else None: someone else's object answers exactly like a missing
    one, and through the same statements (the viewer's cases are looked up
    first, whether or not the object exists)."""
    principal(info)
    await policy.case_roles(info.context)
    row = await loader.load(key)
    if row is None or not await policy.can_see_case(
        info.context, getattr(row, case_of)
    ):
        return None
    return row
