"""Payments, how they were applied, and their disbursements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from db.enums import (
    Bucket,
    DisbursementMethod,
    DisbursementStatus,
    OwedTo,
    PaymentStatus,
)
from resolvers import payment as resolve
from schema.context import Info
from schema.enums import PaymentSource
from schema.node import Node, RowBacked
from schema.pagination import PageInfo


@strawberry.type(description="The part of a payment applied to one bucket.")
class Allocation:
    bucket: Bucket
    owed_to: OwedTo
    amount: Decimal
    applied_on: date


@strawberry.type(description="Money sent on to the person the support is owed to.")
class Disbursement:
    disbursed_on: date
    amount: Decimal
    method: DisbursementMethod
    status: DisbursementStatus


@strawberry.type(description="A payment (collection) received toward an order.")
class Payment(RowBacked, Node):
    pk: strawberry.Private[int]
    amount: Decimal
    collected_on: date = strawberry.field(
        description="Date received; for income withholding, the date withheld."
    )
    posted_on: date | None
    status: PaymentStatus
    reference: str

    @strawberry.field(
        description=(
            "Tax refund offsets show as TAX_OFFSET except to caseworkers and "
            "partners entitled to federal tax information."
        )
    )
    def source(self) -> PaymentSource:
        return PaymentSource(str(self.source))

    @strawberry.field(description="How the payment was applied.")
    async def allocations(self, info: Info) -> list[Allocation]:
        return await resolve.allocations(info, self.pk)

    @strawberry.field(
        description="Disbursements: to the obligee they were paid to, staff, partners."
    )
    async def disbursements(self, info: Info) -> list[Disbursement]:
        return await resolve.disbursements(info, self.pk)


@strawberry.type
class PaymentEdge:
    cursor: str
    node: Payment


@strawberry.type
class PaymentConnection:
    edges: list[PaymentEdge]
    nodes: list[Payment]
    page_info: PageInfo
