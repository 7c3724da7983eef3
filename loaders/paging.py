"""Keyset pagination for list fields, batched across parents.

A page key is ``(parent key, PageArgs)``. One batch runs one statement per
distinct ``PageArgs`` (normally exactly one): for each parent, a LATERAL
subquery reads ``first + 1`` rows in page order, the extra row telling
whether a next page exists.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Select, bindparam, func, select, true
from sqlalchemy.engine import Row

from loaders.base import ID_KEYS, SqlLoader, built_once, read

A = TypeVar("A", bound=Hashable)

#: Rows to fetch per parent: the page size plus one.
LIMIT = bindparam("limit", type_=BigInteger)


class CursorError(ValueError):
    """A cursor that this gateway did not issue (or for another list)."""


def encode_cursor(kind: str, *values: Any) -> str:
    payload = json.dumps(
        [kind, *(v.isoformat() if isinstance(v, date) else v for v in values)]
    )
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


MAX_ID = 2**63 - 1
MAX_TEXT = 64


def _checked(expected: type, value: Any) -> Any:
    """One keyset value, exactly of the type this list's cursor carries."""
    if expected is date and isinstance(value, str) and len(value) == 10:
        return date.fromisoformat(value)
    if expected is datetime and isinstance(value, str) and len(value) <= 40:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise CursorError("invalid cursor")
        return parsed
    if expected is int and type(value) is int and 0 < value <= MAX_ID:
        return value
    if (
        expected is str
        and isinstance(value, str)
        and len(value) <= MAX_TEXT
        and value.isascii()
        and value.isprintable()
    ):
        return value
    raise CursorError("invalid cursor")


def decode_cursor(kind: str, cursor: str, *types: type) -> tuple[Any, ...]:
    """The keyset values of ``cursor``, checked against ``types``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise CursorError("invalid cursor") from exc
    if not isinstance(data, list) or len(data) != len(types) + 1 or data[0] != kind:
        raise CursorError("invalid cursor")
    try:
        return tuple(_checked(t, v) for t, v in zip(types, data[1:], strict=True))
    except ValueError as exc:
        raise CursorError("invalid cursor") from exc


def page_of_each(
    inner: Any,
    parent: Any,
    order: Sequence[tuple[str, bool]],
) -> Select[Any]:
    """The first ``LIMIT`` rows of ``inner`` for each key of the batch: for
    each key (``:keys``, an array), ``inner`` narrowed to ``parent = key``,
    sorted by ``order`` (``inner``'s column names, and whether descending)
    and cut at the limit, as a LATERAL subquery. Each parent costs an index
    range scan of at most ``LIMIT`` rows, however many rows it has. Rows
    come out as ``parent_key`` followed by ``inner``'s columns, by parent
    and in ``order``."""
    keys = select(func.unnest(ID_KEYS).label("parent_key")).subquery("keys")
    page = page_of_one(inner, parent, keys.c.parent_key, order, LIMIT).lateral("page")
    return (
        select(keys.c.parent_key, page)
        .select_from(keys.join(page, true()))
        .order_by(
            keys.c.parent_key,
            *(page.c[n].desc() if down else page.c[n] for n, down in order),
        )
    )


def page_of_one(
    inner: Any, parent: Any, key: Any, order: Sequence[tuple[str, bool]], limit: Any
) -> Any:
    """The first ``limit`` rows of ``inner`` for the one parent ``key``, in
    ``order`` (``inner``'s column names, and whether descending)."""
    sort = [getattr(inner.selected_columns, n) for n, _ in order]
    return (
        inner.where(parent == key)
        .order_by(
            *(c.desc() if down else c for c, (_, down) in zip(sort, order, strict=True))
        )
        .limit(limit)
    )


@dataclass(frozen=True, slots=True)
class Paging:
    """What :func:`page_of_each` composes: the rows of one parent
    (``inner``), the column naming the parent, and the page order."""

    inner: Any
    parent: Any
    order: Sequence[tuple[str, bool]]


@dataclass(frozen=True, slots=True)
class Page(Generic[A]):
    """One page of a list: the rows, and whether more follow."""

    rows: list[Row[Any]]
    has_next: bool


class PagedLoader(SqlLoader[tuple[Any, A], Page[A]]):
    """Batches ``(parent key, args)`` keys; subclasses build the statement.

    A statement depends on the args' ``shape`` only (which optional
    conditions it has); the args' values are bound at execution
    (``values``), so each shape is built and compiled once per process."""

    key_field: str = "parent_key"

    def paging(self, args: A) -> Paging:
        """The page's rows, parent column and order for ``args``' shape."""
        raise NotImplementedError

    def build(self, args: A) -> Any:
        found = self.paging(args)
        return page_of_each(found.inner, found.parent, found.order)

    def shape(self, args: A) -> Hashable:
        """What the statement for ``args`` depends on (not their values)."""
        raise NotImplementedError

    def values(self, args: A) -> dict[str, Any]:
        """The statement's bound values for ``args``."""
        raise NotImplementedError

    def received(self, rows: Sequence[Row[Any]]) -> None:
        """A batch's rows, as read (for subclasses to look at)."""

    def statement_for(self, args: A) -> Any:
        return built_once((type(self), self.shape(args)), lambda: self.build(args))

    def limit(self, args: A) -> int:
        return int(args.first)  # type: ignore[attr-defined]

    async def batch_load_fn(self, keys: Sequence[tuple[Any, A]]) -> list[Page[A]]:
        by_args: defaultdict[A, list[Any]] = defaultdict(list)
        for parent, args in keys:
            by_args[args].append(parent)
        pages: dict[tuple[Any, A], Page[A]] = {}
        for args, parents in by_args.items():
            limit = self.limit(args)
            grouped: defaultdict[Any, list[Row[Any]]] = defaultdict(list)
            params = {
                "keys": parents,
                "limit": limit + 1,
                **self.params,
                **self.values(args),
            }
            statement = self.statement_for(args)
            rows = await read(self.engine, statement, params)
            self.received(rows)
            for row in rows:
                grouped[getattr(row, self.key_field)].append(row)
            for parent in parents:
                rows = grouped.get(parent, [])
                pages[(parent, args)] = Page(rows[:limit], len(rows) > limit)
        return [pages[key] for key in keys]
