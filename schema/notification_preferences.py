"""Notification preferences: the change's input, payload and errors."""

from __future__ import annotations

from enum import Enum

import strawberry

from db.enums import NotificationChannel, NotificationTopic
from schema.personal import NotificationPreference


@strawberry.enum(description="Why notification preferences were not changed.")
class NotificationPreferenceErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "invalid", description="Too many preferences in one change."
    )
    REQUIRED = strawberry.enum_value(
        "required", description="A value is missing (an empty list; staff: partyId)."
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found", description="No party you may act for has that ID."
    )
    FORBIDDEN = strawberry.enum_value(
        "forbidden", description="You may not make this change."
    )
    CONFLICT = strawberry.enum_value(
        "conflict", description="The record changed meanwhile: read it again."
    )
    PHONE_NOT_CONFIRMED = strawberry.enum_value(
        "phone_not_confirmed",
        description="Text messages need a phone number confirmed with a code.",
    )
    MANDATORY = strawberry.enum_value(
        "mandatory", description="Security alerts by e-mail cannot be turned off."
    )
    DUPLICATE = strawberry.enum_value(
        "duplicate", description="The same topic and channel twice in one change."
    )


@strawberry.type(description="An expected reason preferences were not changed.")
class NotificationPreferenceError:
    code: NotificationPreferenceErrorCode
    field: str | None = strawberry.field(
        description="The input field at fault (`preferences[2].channel`), if one is."
    )
    message: str


@strawberry.input(description="One topic on one channel, on or off.")
class NotificationPreferenceInput:
    topic: NotificationTopic
    channel: NotificationChannel
    enabled: bool


@strawberry.input(
    description=(
        "The preferences to change (the others stay as they are): at most one "
        "per topic and channel."
    )
)
class UpdateNotificationPreferencesInput:
    party_id: strawberry.ID | None = strawberry.field(
        default=None, description="Caseworkers: the party you act for."
    )
    preferences: list[NotificationPreferenceInput]


@strawberry.type(description="The result of updateNotificationPreferences.")
class UpdateNotificationPreferencesPayload:
    preferences: list[NotificationPreference] | None = strawberry.field(
        description=(
            "Every topic on every channel after the change, defaults filled in "
            "(null when errors is not empty)."
        )
    )
    errors: list[NotificationPreferenceError]
