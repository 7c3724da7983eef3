"""Mutations: notification preferences."""

from __future__ import annotations

import strawberry

from resolvers import update_notification_preferences as resolve
from schema.context import Info
from schema.notification_preferences import (
    UpdateNotificationPreferencesInput,
    UpdateNotificationPreferencesPayload,
)


@strawberry.type
class NotificationMutations:
    """Notification preferences (``resolvers.update_notification_preferences``)."""

    @strawberry.mutation(
        description=(
            "Turn notifications on or off per topic and channel (e-mail, or "
            "text messages to a confirmed phone). All or nothing: any error "
            "changes nothing."
        )
    )
    async def update_notification_preferences(
        self, info: Info, input: UpdateNotificationPreferencesInput
    ) -> UpdateNotificationPreferencesPayload:
        return await resolve.update_notification_preferences(info, input)
