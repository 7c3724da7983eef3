"""Support orders, obligations and balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from db.enums import Frequency, ObligationKind, OrderStatus
from resolvers import order as resolve
from schema.context import Info
from schema.node import Node, RowBacked
from schema.payment import PaymentConnection


@strawberry.type(description="One obligation line of an order.")
class Obligation:
    kind: ObligationKind
    amount: Decimal
    frequency: Frequency
    start_date: date
    end_date: date | None


@strawberry.type(description="The next scheduled payment.")
class NextPayment:
    due_on: date
    amount: Decimal


@strawberry.type(description="What is owed on an order, derived from the ledger.")
class Balance:
    as_of: date
    current_support_due: Decimal = strawberry.field(
        description="Accrued this month (all current obligations) and not yet paid."
    )
    arrears_principal: Decimal
    arrears_owed_to_family: Decimal
    arrears_owed_to_state: Decimal
    interest: Decimal
    fees: Decimal
    total_owed: Decimal
    next_payment_due: NextPayment | None


@strawberry.type(description="A support order issued by a court.")
class Order(RowBacked, Node):
    pk: strawberry.Private[int]
    order_number: str
    issuing_court: str
    cause_number: str
    status: OrderStatus
    effective_date: date
    end_date: date | None

    @strawberry.field
    async def obligations(self, info: Info) -> list[Obligation]:
        return await resolve.obligations(info, self.pk)

    @strawberry.field
    async def balance(self, info: Info) -> Balance:
        return await resolve.balance(info, self.pk)  # type: ignore[return-value]

    @strawberry.field(description="Payment history, newest first.")
    async def payments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        since: Annotated[
            date | None,
            strawberry.argument(name="from", description="Received on or after."),
        ] = None,
        until: Annotated[
            date | None,
            strawberry.argument(name="to", description="Received on or before."),
        ] = None,
    ) -> PaymentConnection:
        return await resolve.payments(info, self.pk, first, after, since, until)  # type: ignore[return-value]
