"""Mutations: contact information, employer, health insurance."""

from __future__ import annotations

import strawberry


@strawberry.type
class ContactMutations:
    """Fields are added here by the domain's work."""
