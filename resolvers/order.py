"""Orders: obligations, balance, and the payment history page."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.balance import Balance
from loaders.paging import encode_cursor
from loaders.payment import PaymentPageArgs
from resolvers.paging import ConnectionData, connection, page_request
from schema.context import Info
from schema.errors import BadUserInput

PAYMENT_CURSOR = "payment"


async def by_id(info: Info, order_id: int) -> Any:
    """An order on a case the caller may reach, else None (one statement)."""
    row = await info.context.loaders.order_by_id.load(order_id)
    if row is not None:
        info.context.audit.case_read(row.case_id)
    return row


async def obligations(info: Info, order_id: int) -> list[Any]:
    return await info.context.loaders.obligations_by_order_id.load(order_id)


async def balance(info: Info, order_id: int) -> Balance:
    return await info.context.loaders.balance_by_order_id.load(order_id)


def _payment_cursor(row: Any) -> str:
    return encode_cursor(PAYMENT_CURSOR, row.collected_on, row.pk)


async def payments(
    info: Info,
    order_id: int,
    first: int | None,
    after: str | None,
    since: date | None,
    until: date | None,
) -> ConnectionData:
    """A page of the order's payments, newest first, within the date range."""
    maximum = info.context.settings.max_page_size
    size, keyset = page_request(first, after, maximum, PAYMENT_CURSOR, date, int)
    if since is not None and until is not None and since > until:
        raise BadUserInput("the date range ends before it starts")
    args = PaymentPageArgs(size, keyset, since, until)
    page = await info.context.loaders.payments_by_order_id.load((order_id, args))
    return connection(page, _payment_cursor)
