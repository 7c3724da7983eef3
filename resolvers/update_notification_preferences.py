"""``updateNotificationPreferences``: turn notifications on or off per topic
and channel, for yourself (or, as a caseworker, for a party of your office).

One transaction: who the change is for (``acting_for_party``), the party's
row locked against a concurrent phone change (``FOR SHARE``) while the items
are checked (``domain.notification_preferences``), one upsert on (party,
topic, channel), the full resulting set read back, and the audit record.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import acting_for_party
from db.models import NotificationPreference as Row
from db.models import Party
from domain import notification_preferences as rules
from domain.field_errors import Refused
from resolvers.mutation import (
    as_errors,
    audited_party,
    party_pk,
    principal_of,
    record_success,
    run,
)
from schema.context import Info
from schema.notification_preferences import (
    NotificationPreferenceError,
    NotificationPreferenceErrorCode,
    UpdateNotificationPreferencesInput,
    UpdateNotificationPreferencesPayload,
)
from schema.personal import NotificationPreference

MUTATION = "updateNotificationPreferences"
ACTION = "update_notification_preferences"

_STORED = select(Row.topic, Row.channel, Row.opted_in, Row.updated_at)


async def _upsert(
    conn: AsyncConnection, party_id: int, choices: list[rules.Choice]
) -> None:
    """Store the choices; ``updated_at`` moves only where a value changed.
    Rows are written in one order (topic, channel), so two changes of the
    same party's preferences at once never wait on each other in a cycle."""
    ordered = sorted(choices, key=lambda c: (c.topic.value, c.channel.value))
    statement = insert(Row).values(
        [
            {
                "party_id": party_id,
                "topic": choice.topic,
                "channel": choice.channel,
                "opted_in": choice.enabled,
            }
            for choice in ordered
        ]
    )
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=[Row.party_id, Row.topic, Row.channel],
            set_={"opted_in": statement.excluded.opted_in, "updated_at": func.now()},
            where=Row.opted_in.is_distinct_from(statement.excluded.opted_in),
        )
    )


def as_type(preference: rules.Preference) -> NotificationPreference:
    return NotificationPreference(
        topic=preference.topic,
        channel=preference.channel,
        enabled=preference.enabled,
        mandatory=preference.mandatory,
        updated_at=preference.updated_at,
    )


async def update_notification_preferences(
    info: Info, data: UpdateNotificationPreferencesInput
) -> UpdateNotificationPreferencesPayload:
    principal = principal_of(info)
    choices = [
        rules.Choice(item.topic, item.channel, item.enabled)
        for item in data.preferences
    ]
    # whose preferences the attempt was about, for the audit of a refusal
    attempted_for = audited_party(principal, data.party_id)

    async def change(conn: AsyncConnection) -> tuple[rules.Preference, ...]:
        acting = await acting_for_party(
            conn, principal, MUTATION, party_pk(data.party_id)
        )
        if (error := rules.count_error(len(choices))) is not None:
            raise Refused(error)
        phone_confirmed = await conn.scalar(
            select(Party.phone_verified_at.is_not(None))
            .where(Party.id == acting.party_id)
            .with_for_update(read=True)
        )
        errors = rules.choice_errors(choices, phone_confirmed=bool(phone_confirmed))
        if errors:
            raise Refused(*errors)
        await _upsert(conn, acting.party_id, choices)
        stored = await conn.execute(_STORED.where(Row.party_id == acting.party_id))
        record_success(
            info,
            ACTION,
            acting,
            object_type="Party",
            object_id=acting.party_id,
            fields=("notificationPreferences",),
            detail={
                "preferences": [
                    f"{c.topic.value}/{c.channel.value}:{'on' if c.enabled else 'off'}"
                    for c in choices
                ]
            },
        )
        return tuple(rules.full_set(rules.Stored(*row) for row in stored))

    result = await run(
        info, ACTION, change, object_type="Party", object_id=attempted_for
    )
    if isinstance(result, tuple):
        return UpdateNotificationPreferencesPayload(
            preferences=[as_type(p) for p in result], errors=[]
        )
    return UpdateNotificationPreferencesPayload(
        preferences=None,
        errors=as_errors(
            result, NotificationPreferenceError, NotificationPreferenceErrorCode
        ),
    )
