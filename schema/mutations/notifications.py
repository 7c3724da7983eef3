"""Mutations: notification preferences."""

from __future__ import annotations

import strawberry


@strawberry.type
class NotificationMutations:
    """Fields are added here by the domain's work."""
