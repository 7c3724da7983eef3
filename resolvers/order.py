"""Orders: obligations, balance, and the payment history page."""

from __future__ import annotations

from datetime import date
from typing import Any

from auth import policy
from domain.balance import Balance
from loaders.paging import CursorError, decode_cursor, encode_cursor
from loaders.payment import PaymentPageArgs
from resolvers.access import principal
from resolvers.paging import ConnectionData, PageSizeError, connection, page_size
from schema.context import Info
from schema.errors import BadUserInput

PAYMENT_CURSOR = "payment"


async def by_id(info: Info, order_id: int) -> Any:
    principal(info)
    await policy.case_roles(info.context)  # first, so every miss costs the same
    row = await info.context.loaders.order_by_id.load(order_id)
    if row is None or not await policy.can_see_case(info.context, row.case_id):
        return None
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
    try:
        size = page_size(first, min(20, maximum), maximum)
        keyset = decode_cursor(PAYMENT_CURSOR, after, date, int) if after else None
    except (PageSizeError, CursorError) as exc:
        raise BadUserInput(str(exc)) from None
    if since is not None and until is not None and since > until:
        raise BadUserInput("the date range ends before it starts")
    args = PaymentPageArgs(size, keyset, since, until)
    page = await info.context.loaders.payments_by_order_id.load((order_id, args))
    return connection(page, _payment_cursor)
