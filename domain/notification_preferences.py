"""Notification preferences: which changes a party may make, and the full set
they read back (every topic on every channel, defaults filled in).

What a party gets when they never chose, and what cannot be turned off, is
``delivery.outbox`` (``DEFAULTS``, ``MANDATORY_EMAIL``, ``wanted``): the
outbox and what a party reads follow the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from db.enums import NotificationChannel, NotificationTopic
from delivery.outbox import is_mandatory, wanted
from domain.field_errors import INVALID, REQUIRED, FieldError

#: A text to a phone nobody confirmed with a one-time code.
PHONE_NOT_CONFIRMED = "phone_not_confirmed"
#: Turning off what cannot be turned off (security alerts by e-mail).
MANDATORY = "mandatory"
#: The same topic and channel twice in one change.
DUPLICATE = "duplicate"

TOPICS = tuple(NotificationTopic)
CHANNELS = tuple(NotificationChannel)
#: One choice per topic and channel at most.
MAX_CHOICES = len(TOPICS) * len(CHANNELS)


@dataclass(frozen=True, slots=True)
class Choice:
    """One item of a change: a topic on a channel, on or off."""

    topic: NotificationTopic
    channel: NotificationChannel
    enabled: bool


@dataclass(frozen=True, slots=True)
class Preference:
    """What a party gets for one topic on one channel. ``updated_at`` is when
    they last changed it (None: never, the default applies)."""

    topic: NotificationTopic
    channel: NotificationChannel
    enabled: bool
    mandatory: bool
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class Stored:
    """A choice as the table holds it."""

    topic: NotificationTopic
    channel: NotificationChannel
    opted_in: bool
    updated_at: datetime


def count_error(count: int) -> FieldError | None:
    """A change names at least one choice and no more than there are."""
    if count == 0:
        return FieldError(REQUIRED, "preferences", "Name at least one preference.")
    if count > MAX_CHOICES:
        return FieldError(
            INVALID,
            "preferences",
            f"At most {MAX_CHOICES} preferences: one per topic and channel.",
        )
    return None


def choice_errors(
    choices: Sequence[Choice], *, phone_confirmed: bool
) -> list[FieldError]:
    """Every reason the items of a change cannot be made, each on its item
    (``preferences[2].channel``); empty when all can."""
    errors: list[FieldError] = []
    seen: set[tuple[NotificationTopic, NotificationChannel]] = set()
    for index, choice in enumerate(choices):
        item = f"preferences[{index}]"
        key = (choice.topic, choice.channel)
        if key in seen:
            errors.append(
                FieldError(
                    DUPLICATE,
                    item,
                    "This topic and channel are already named earlier in the list.",
                )
            )
            continue
        seen.add(key)
        if not choice.enabled and is_mandatory(choice.topic, choice.channel):
            errors.append(
                FieldError(
                    MANDATORY,
                    f"{item}.enabled",
                    "Security alerts by e-mail cannot be turned off.",
                )
            )
        if (
            choice.enabled
            and choice.channel is NotificationChannel.SMS
            and not phone_confirmed
        ):
            errors.append(
                FieldError(
                    PHONE_NOT_CONFIRMED,
                    f"{item}.channel",
                    "Text messages need a confirmed phone number: confirm your "
                    "phone first.",
                )
            )
    return errors


def full_set(stored: Iterable[Stored]) -> list[Preference]:
    """Every topic on every channel (topics in their declared order, e-mail
    before SMS), from the stored choices and the defaults."""
    by_key = {(row.topic, row.channel): row for row in stored}
    preferences: list[Preference] = []
    for topic in TOPICS:
        for channel in CHANNELS:
            row = by_key.get((topic, channel))
            preferences.append(
                Preference(
                    topic=topic,
                    channel=channel,
                    enabled=wanted(
                        topic, channel, None if row is None else row.opted_in
                    ),
                    mandatory=is_mandatory(topic, channel),
                    updated_at=None if row is None else row.updated_at,
                )
            )
    return preferences
