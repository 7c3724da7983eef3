"""Confirmation codes in the database: issue one (store its digest, queue
the code to the new address or phone), try one (count the try, use it up).

The code itself exists only in the outbox row that carries it to its
recipient; ``contact_confirmations`` keeps its keyed digest, and neither the
audit log nor the logs ever see it. Both functions run inside the caller's
transaction, after the party's row lock (``db.contact.lock_party``), so tries
of one party's codes are serialised and counted exactly, and so are the codes
sent: at most ``settings.confirmation_codes_per_hour`` per channel an hour,
so asking again and again cannot flood an address or a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import NotificationChannel, NotificationTopic
from db.models import ContactConfirmation
from delivery.outbox import send_to
from domain.confirmation_codes import (
    RATE_LIMITED,
    SENDING_WINDOW,
    Check,
    StoredCode,
    check_code,
    code_digest,
    may_send,
    new_code,
    typed_code,
)
from domain.contact_notices import code_message
from domain.field_errors import refuse
from settings import Settings

_C = ContactConfirmation


async def issue_code(
    conn: AsyncConnection,
    settings: Settings,
    party_id: int,
    channel: NotificationChannel,
    value: str,
    field: str,
) -> None:
    """A new code for ``value`` (it supersedes any earlier one of the party
    for the channel), queued to ``value`` itself; ``Refused`` when the party
    was sent too many on the channel within the hour. ``field`` is the
    input field the code is for."""
    sent = await conn.scalar(
        select(func.count()).where(
            _C.party_id == party_id,
            _C.channel == channel,
            _C.created_at > func.now() - SENDING_WINDOW,
        )
    )
    if not may_send(sent or 0, settings.confirmation_codes_per_hour):
        raise refuse(
            RATE_LIMITED,
            field,
            "Too many codes were sent in the last hour: try again later.",
        )
    code = new_code()
    ttl = settings.confirmation_code_ttl_minutes
    confirmation_id = (
        await conn.execute(
            insert(_C)
            .values(
                party_id=party_id,
                channel=channel,
                value=value,
                code_digest=code_digest(
                    settings.digest_secret, party_id, channel.value, value, code
                ),
                attempts=0,
                expires_at=func.now() + timedelta(minutes=ttl),
            )
            .returning(_C.id)
        )
    ).scalar_one()
    subject, body = code_message(code, ttl, by_sms=channel is NotificationChannel.SMS)
    await send_to(
        conn,
        party_id,
        NotificationTopic.SECURITY_ALERT,
        channel,
        value,
        f"contact-confirmation-{confirmation_id}",
        subject,
        body,
    )


@dataclass(frozen=True, slots=True)
class Tried:
    """The outcome of a try, and the value the code confirms (when one is
    pending)."""

    check: Check
    value: str | None


async def try_code(
    conn: AsyncConnection,
    settings: Settings,
    party_id: int,
    channel: NotificationChannel,
    typed: str,
    *,
    only_for: str | None = None,
) -> Tried:
    """Try ``typed`` against the party's newest code for ``channel`` (when
    ``only_for`` is given, only a code confirming that value counts): a wrong
    one uses up a try, the right one is used up. The caller commits either
    way (a wrong try must count even though the answer is an error)."""
    row = (
        await conn.execute(
            select(
                _C.id,
                _C.value,
                _C.code_digest,
                _C.attempts,
                _C.expires_at,
                _C.consumed_at,
                func.now().label("now"),
            )
            .where(_C.party_id == party_id, _C.channel == channel)
            .order_by(_C.id.desc())
            .limit(1)
            .with_for_update()
        )
    ).one_or_none()
    if row is None or (only_for is not None and row.value != only_for):
        return Tried(Check.NOTHING_PENDING, None)
    typed_digest = code_digest(
        settings.digest_secret, party_id, channel.value, row.value, typed_code(typed)
    )
    stored = StoredCode(row.code_digest, row.attempts, row.expires_at, row.consumed_at)
    check = check_code(
        stored, typed_digest, row.now, settings.confirmation_code_max_attempts
    )
    if check.counts_a_try:
        await conn.execute(
            update(_C).where(_C.id == row.id).values(attempts=_C.attempts + 1)
        )
    elif check is Check.CONFIRMED:
        await conn.execute(
            update(_C).where(_C.id == row.id).values(consumed_at=func.now())
        )
    return Tried(check, row.value)
