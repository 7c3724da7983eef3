"""Queue notifications in the transaction of the change that causes them.

``notify`` writes one ``outbox_events`` row per channel the recipient wants
for the topic, in the caller's transaction: the notification exists if and only
if the change committed. The worker (``delivery.worker``) sends them later.
``dedupe_key`` is the event's key plus recipient and channel, so the same event
is never queued twice for the same recipient (``ON CONFLICT DO NOTHING``).

What a notification says: never another person's name, address, contact
details or a message's text, only that something happened and where to look
(the portal), because the other parent may be the person a family-violence
indicator protects, or the reader of a shared phone may be the abuser.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import NotificationChannel, NotificationTopic
from db.models import NotificationPreference, OutboxEvent, Party

#: What a party gets for a topic they never chose for: e-mail on, SMS off.
DEFAULTS: Mapping[NotificationChannel, bool] = {
    NotificationChannel.EMAIL: True,
    NotificationChannel.SMS: False,
}
#: Topics that always go by e-mail, whatever the preferences say.
MANDATORY_EMAIL = frozenset({NotificationTopic.SECURITY_ALERT})


def is_mandatory(topic: NotificationTopic, channel: NotificationChannel) -> bool:
    """Whether ``topic`` always goes out on ``channel`` (it cannot be turned off)."""
    return channel is NotificationChannel.EMAIL and topic in MANDATORY_EMAIL


def wanted(
    topic: NotificationTopic, channel: NotificationChannel, choice: bool | None
) -> bool:
    """Whether a party gets ``topic`` on ``channel``: their ``choice`` (None
    when they never made one: the default), mandatory topics always. The one
    rule both ``notify`` and what a party reads of their preferences follow."""
    if is_mandatory(topic, channel):
        return True
    return DEFAULTS[channel] if choice is None else choice


def dedupe_key(event_key: str, party_id: int, channel: NotificationChannel) -> str:
    """The event, the recipient and the channel: unique in the outbox."""
    return f"{event_key}:party-{party_id}:{channel.value}"[:200]


async def notify(
    conn: AsyncConnection,
    party_id: int,
    topic: NotificationTopic,
    event_key: str,
    subject: str,
    body: str,
) -> int:
    """Queue the notification on each channel the party wants for ``topic``
    and can receive on (a known e-mail; SMS only to a confirmed phone).
    Returns how many were queued."""
    party = (
        await conn.execute(
            select(Party.email, Party.phone, Party.phone_verified_at).where(
                Party.id == party_id
            )
        )
    ).one_or_none()
    if party is None:
        return 0
    rows = await conn.execute(
        select(NotificationPreference.channel, NotificationPreference.opted_in).where(
            NotificationPreference.party_id == party_id,
            NotificationPreference.topic == topic,
        )
    )
    choices = {NotificationChannel(channel): opted_in for channel, opted_in in rows}
    destinations = {
        NotificationChannel.EMAIL: party.email,
        NotificationChannel.SMS: party.phone if party.phone_verified_at else None,
    }
    queued = 0
    for channel in NotificationChannel:
        destination = destinations[channel]
        if destination and wanted(topic, channel, choices.get(channel)):
            queued += await send_to(
                conn, party_id, topic, channel, destination, event_key, subject, body
            )
    return queued


async def send_to(
    conn: AsyncConnection,
    party_id: int,
    topic: NotificationTopic,
    channel: NotificationChannel,
    destination: str,
    event_key: str,
    subject: str,
    body: str,
) -> int:
    """Queue one notification to an explicit destination (a confirmation code
    to a new, unconfirmed address). Returns 1, or 0 if already queued."""
    result = await conn.execute(
        insert(OutboxEvent)
        .values(
            party_id=party_id,
            topic=topic,
            channel=channel,
            destination=destination,
            subject=subject[:200],
            body=body,
            dedupe_key=dedupe_key(event_key, party_id, channel),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxEvent.id)
    )
    return 0 if result.scalar_one_or_none() is None else 1
