"""Loader building blocks: one SQL statement per batch, ``key = ANY(:keys)``.

Each batch opens its own short connection: aiodataloader runs batches as
concurrent tasks and a connection (or session) must never be shared between
them. Rows come back as SQLAlchemy Core rows: light tuples with attribute
access, no ORM identity map or change tracking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import BigInteger, String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from auth.principal import NOBODY, Principal

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: The batch's keys, bound as one array parameter.
ID_KEYS = bindparam("keys", type_=ARRAY(BigInteger))
TEXT_KEYS = bindparam("keys", type_=ARRAY(String))


class SqlLoader(DataLoader[K, V]):
    """A loader whose batch is one statement with a ``:keys`` array parameter."""

    statement: ClassVar[Executable]

    def __init__(self, engine: AsyncEngine, **params: Any) -> None:
        super().__init__()
        self.engine = engine
        self.params = params

    def query(self) -> Executable:
        """The batch's statement (``statement``, unless built per request)."""
        return self.statement

    async def fetch(self, keys: Sequence[Any], **params: Any) -> Sequence[Row[Any]]:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                self.query(), {"keys": list(keys), **self.params, **params}
            )
            return result.all()


class OneByKey(SqlLoader[K, "Row[Any] | None"]):
    """One row (or None) per key; the row's ``key_field`` holds the key."""

    key_field: ClassVar[str] = "pk"

    async def batch_load_fn(self, keys: Sequence[K]) -> list[Row[Any] | None]:
        field = self.key_field
        found = {getattr(row, field): row for row in await self.fetch(keys)}
        return [found.get(key) for key in keys]


class ManyByKey(SqlLoader[K, "list[Row[Any]]"]):
    """A list of rows per key (in the statement's order); ``[]`` for a miss."""

    key_field: ClassVar[str]

    async def batch_load_fn(self, keys: Sequence[K]) -> list[list[Row[Any]]]:
        field = self.key_field
        grouped: defaultdict[Any, list[Row[Any]]] = defaultdict(list)
        for row in await self.fetch(keys):
            grouped[getattr(row, field)].append(row)
        return [grouped.get(key, []) for key in keys]


class VisibleOneByKey(OneByKey[K]):
    """One row per key, among the rows the request's principal may reach: the
    statement is built once per loader from the principal (``build``), with
    the visibility rule in its WHERE clause, so a hidden row is a missing one."""

    def __init__(self, engine: AsyncEngine, principal: Principal | None) -> None:
        super().__init__(engine)
        self.principal = principal
        self._query: Executable | None = None

    def build(self, principal: Principal) -> Executable:
        raise NotImplementedError

    def query(self) -> Executable:
        if self._query is None:
            self._query = self.build(self.principal or NOBODY)
        return self._query
