"""Mutations: makePayment (issue: payments)."""

from __future__ import annotations

import strawberry

from resolvers import make_payment as make_payment_resolvers
from schema.context import Info
from schema.make_payment import MakePaymentInput, MakePaymentPayload


@strawberry.type
class PaymentMutations:
    """Paying an order: the obligor, or a caseworker for them."""

    @strawberry.mutation(
        description=(
            "Pay toward an order you pay (caseworkers: for its payer, with "
            "`partyId`) with a token from the processor's secure form. Send a "
            "new `idempotencyKey` per payment; the same request with the same "
            "key never charges twice."
        )
    )
    async def make_payment(
        self, info: Info, input: MakePaymentInput
    ) -> MakePaymentPayload:
        return await make_payment_resolvers.make_payment(info, input)
