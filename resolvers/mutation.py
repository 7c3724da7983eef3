"""One transaction per change, audited either way.

``run`` opens the transaction, hands it to the change, writes the request's
audit records in the same transaction and commits. When the change raises
``Refused`` everything it wrote is rolled back, a ``failed`` (or ``denied``)
audit record is written on its own, and the refusal's errors are returned for
the payload. A change records its own success (``info.context.audit.record``)
after its last check, so a refused one never leaves a success record behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from auth.principal import Principal
from domain.field_errors import FieldError, Refused
from schema.context import Info
from schema.errors import Unauthenticated

T = TypeVar("T")
E = TypeVar("E")


def principal_of(info: Info) -> Principal:
    """The caller (the gate lets no anonymous caller reach a mutation)."""
    principal = info.context.principal
    if principal is None:
        raise Unauthenticated("authentication required")
    return principal


async def run(
    info: Info,
    action: str,
    change: Callable[[AsyncConnection], Awaitable[T]],
    *,
    object_type: str | None = None,
    object_id: int | None = None,
) -> T | list[FieldError]:
    """``change`` in one transaction with the audit records; on a refusal,
    nothing of it is kept and its errors are returned instead."""
    audit = info.context.audit
    try:
        async with info.context.engine.begin() as conn:
            result = await change(conn)
            await audit.write(conn)
        return result
    except Refused as refusal:
        audit.record(
            action,
            case_id=refusal.case_id,
            object_type=object_type,
            object_id=object_id,
            outcome=refusal.outcome,
            detail={"errors": sorted({error.code for error in refusal.errors})},
        )
        async with info.context.engine.begin() as conn:
            await audit.write(conn)
        return refusal.errors


def as_errors(
    errors: list[FieldError], error_type: Callable[..., E], codes: type[Enum]
) -> list[E]:
    """Domain errors as a payload's GraphQL error objects (``codes`` has a
    member named after every code used, upper-cased)."""
    return [
        error_type(
            code=codes[error.code.upper()], field=error.field, message=error.message
        )
        for error in errors
    ]
