"""Mutations: makePayment (issue: payments)."""

from __future__ import annotations

import strawberry


@strawberry.type
class PaymentMutations:
    """Fields are added here by the domain's work."""
