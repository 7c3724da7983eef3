"""Mutations: messages."""

from __future__ import annotations

import strawberry


@strawberry.type
class MessageMutations:
    """Fields are added here by the domain's work."""
