"""What ``confirmEmailChange`` and ``confirmPhone`` share: try the code in one
transaction under the party's row lock and commit either way.

A wrong code must use up a try even though the answer is an error, so a try
that fails is not a ``Refused`` (which would roll the count back): the
transaction commits the count and a failed (or, once the tries are used up,
``locked``) audit record, and the errors are answered as payload data. Only
refusals of the caller (not a parent) roll back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting, acting_for_party
from db.confirmations import try_code
from db.contact import lock_party
from db.enums import AuditOutcome, NotificationChannel
from domain.confirmation_codes import MESSAGES, Check
from domain.contact_change import ContactDetails
from domain.field_errors import FieldError
from resolvers.mutation import principal_of, record_success, run
from schema.context import Info

CODE = "code"

#: Confirms the value (the party's row is locked); returns the fields changed.
Apply = Callable[
    [AsyncConnection, Acting, ContactDetails, str], Awaitable[tuple[str, ...]]
]


@dataclass(frozen=True, slots=True)
class Answer:
    """The party, and the errors of a try that confirmed nothing."""

    party_id: int
    errors: list[FieldError] = field(default_factory=list)


async def confirm_code(
    info: Info,
    action: str,
    mutation: str,
    channel: NotificationChannel,
    typed: str,
    apply: Apply,
    *,
    current_value: Callable[[ContactDetails], str | None] | None = None,
) -> Answer | list[FieldError]:
    """Try ``typed``; on success ``apply`` the confirmed value. With
    ``current_value``, only a code for the party's stored value counts."""
    principal = principal_of(info)
    settings = info.context.settings

    async def change(conn: AsyncConnection) -> Answer:
        acting = await acting_for_party(conn, principal, mutation, None)
        current = await lock_party(conn, acting.party_id)
        only_for = None if current_value is None else current_value(current)
        if current_value is not None and only_for is None:
            tried_check, value = Check.NOTHING_PENDING, None
        else:
            tried = await try_code(
                conn, settings, acting.party_id, channel, typed, only_for=only_for
            )
            tried_check, value = tried.check, tried.value
        if tried_check is not Check.CONFIRMED:
            return _unconfirmed(info, action, acting, tried_check)
        assert value is not None
        fields = await apply(conn, acting, current, value)
        record_success(
            info,
            action,
            acting,
            object_type="Party",
            object_id=acting.party_id,
            fields=fields,
        )
        return Answer(acting.party_id)

    caller = principal.id if principal.is_party else None
    return await run(info, action, change, object_type="Party", object_id=caller)


def _unconfirmed(info: Info, action: str, acting: Acting, check: Check) -> Answer:
    """Record the failed try (committed with its count) and answer it."""
    code = check.error_code
    assert code is not None
    locked = check in (Check.LOCKED, Check.WRONG_LAST)
    info.context.audit.record(
        action,
        object_type="Party",
        object_id=acting.party_id,
        outcome=AuditOutcome.LOCKED if locked else AuditOutcome.FAILED,
        detail={"errors": [code]},
    )
    return Answer(acting.party_id, [FieldError(code, CODE, MESSAGES[check])])
