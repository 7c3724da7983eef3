"""One transaction per change, audited either way.

``run`` opens the transaction, hands it to the change, writes the request's
audit records in the same transaction and commits. When the change raises
``Refused`` everything it wrote is rolled back, a ``failed`` (or ``denied``)
audit record is written on its own, and the refusal's errors are returned for
the payload; an unexpected failure is recorded as failed too, then raised
(and masked). A change records its own success (``info.context.audit.record``)
after its last check, so a refused one never leaves a success record behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting
from auth.principal import Principal
from db.enums import AuditOutcome
from domain.field_errors import FieldError, Refused, not_found
from loaders import ids
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
    except Exception:
        # an unexpected failure is masked for the caller, but the attempt is
        # still on record (if the database takes the record at all)
        audit.record(
            action,
            object_type=object_type,
            object_id=object_id,
            outcome=AuditOutcome.FAILED,
            detail={"errors": ["internal"]},
        )
        with contextlib.suppress(Exception):
            async with info.context.engine.begin() as conn:
                await audit.write(conn)
        raise


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


PARTY_ID = "partyId"


def named_pk(global_id: str | None, type_name: str) -> int | None:
    """The primary key a global ID names if it is a ``type_name``'s, else None
    (for audit records of attempts, whatever their outcome)."""
    decoded = ids.decode(global_id) if global_id is not None else None
    return decoded[1] if decoded is not None and decoded[0] == type_name else None


def pk_of(global_id: str, type_name: str, field: str) -> int:
    """The primary key of the ``type_name`` a global ID in input ``field``
    names; any other ID is refused like an object the caller may not change."""
    pk = named_pk(global_id, type_name)
    if pk is None:
        raise not_found(field)
    return pk


def party_pk(global_id: str | None) -> int | None:
    """The party a ``partyId`` names, None when none is given."""
    return None if global_id is None else pk_of(global_id, "Party", PARTY_ID)


def audited_party(principal: Principal, global_id: str | None) -> int | None:
    """The party an attempt was about, for its audit record (whatever the
    outcome): the one named, else the caller themselves."""
    if global_id is not None:
        return named_pk(global_id, "Party")
    return principal.id if principal.is_party else None


def record_success(
    info: Info,
    action: str,
    acting: Acting,
    *,
    object_type: str,
    object_id: int,
    case_id: int | None = None,
    fields: tuple[str, ...] = (),
    detail: dict[str, Any] | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
) -> None:
    """The change's own record (success unless said otherwise), noting the
    party a caseworker acted for."""
    noted = dict(detail or {})
    if acting.by_staff:
        noted["for_party"] = acting.party_id
    info.context.audit.record(
        action,
        case_id=case_id,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        fields=fields,
        detail=noted or None,
    )
