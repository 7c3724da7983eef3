"""The principal behind a request, for resolvers that need one."""

from __future__ import annotations

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
