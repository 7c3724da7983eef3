"""Mutations: disbursement preference."""

from __future__ import annotations

import strawberry


@strawberry.type
class DisbursementMutations:
    """Fields are added here by the domain's work."""
