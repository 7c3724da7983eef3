"""Loader building blocks: one SQL statement per batch, ``key = ANY(:keys)``.

Each batch opens its own short connection: aiodataloader runs batches as
concurrent tasks and a connection (or session) must never be shared between
them. Rows come back as SQLAlchemy Core rows: light tuples with attribute
access, no ORM identity map or change tracking.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, ClassVar, TypeVar, cast

import asyncpg
from aiodataloader import DataLoader
from sqlalchemy import BigInteger, String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from auth.authorization.filters import shape_of
from auth.principal import NOBODY, Principal
from db import statements

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

#: The batch's keys, bound as one array parameter.
ID_KEYS = bindparam("keys", type_=ARRAY(BigInteger))
TEXT_KEYS = bindparam("keys", type_=ARRAY(String))


#: asyncpg errors that mean the connection itself is gone (closed, broken,
#: or ended by the server: a restart, a failover, an administrator).
_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    OSError,
)


class Reads:
    """One request's reads on one pooled connection, taken at the first read
    and held until :meth:`close`; statements go one at a time. For the
    planned path, which sends its batches one after another: a request
    checks out one connection instead of one per batch."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()

    async def fetch(self, statement: Executable, params: dict[str, Any]) -> list[Any]:
        async with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    self._conn = await self.engine.connect()
                try:
                    return await statements.fetch(self._conn, statement, params)
                except _LOST:
                    await self._drop(invalidate=True)
                    if attempt == 2:
                        raise
                except DBAPIError as error:
                    if error.connection_invalidated:
                        await self._drop(invalidate=False)
                    if attempt == 2 or not error.connection_invalidated:
                        raise
            raise AssertionError("unreachable")

    async def _drop(self, *, invalidate: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            if invalidate:
                await conn.invalidate()
            await conn.close()

    async def close(self) -> None:
        """Hand the connection back to the pool (if one was taken)."""
        async with self._lock:
            await self._drop(invalidate=False)


#: Where a loader reads: the engine (a short connection per batch) or the
#: request's :class:`Reads`.
Source = AsyncEngine | Reads


async def read(
    source: Source, statement: Executable, params: dict[str, Any]
) -> list[Row[Any]]:
    """The rows of one statement, sent by asyncpg as compiled once
    (``db.statements``): on the request's held connection, or on a short
    connection of its own. The pool does not ping a connection before each
    use (a round trip per batch); a connection found dead by its statement
    (the database restarted) is dropped from the pool, and the read is tried
    once more on a new one: reads change nothing, so a second try is safe."""
    if isinstance(source, Reads):
        return await source.fetch(statement, params)
    for attempt in (1, 2):
        try:
            async with source.connect() as conn:
                try:
                    return await statements.fetch(conn, statement, params)
                except _LOST:
                    await conn.invalidate()
                    raise
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
        except _LOST:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class SqlLoader(DataLoader[K, V]):
    """A loader whose batch is one statement with a ``:keys`` array parameter."""

    statement: ClassVar[Executable]

    def __init__(self, engine: Source, **params: Any) -> None:
        super().__init__()
        self.engine = engine
        self.params = params

    def query(self) -> Executable:
        """The batch's statement (``statement``, unless built per request)."""
        return self.statement

    async def fetch(self, keys: Sequence[Any], **params: Any) -> Sequence[Row[Any]]:
        return await read(
            self.engine, self.query(), {"keys": list(keys), **self.params, **params}
        )


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


#: Statements built once and kept, by what they depend on (the builder and
#: its shape: a principal's kind, a page's optional conditions); bounded:
#: builders times shapes.
_BUILT: dict[Hashable, Any] = {}


def built_once(key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, called the first time ``key`` is asked for only."""
    statement = _BUILT.get(key)
    if statement is None:
        statement = _BUILT[key] = build()
    return cast("T", statement)


def built_for(
    builder: object, principal: Principal, build: Callable[[Principal], T]
) -> T:
    """``build(principal)``, built once per builder and principal shape: the
    statement holds the rule for the shape and binds the id
    (``filters.PRINCIPAL_ID``), so it is the same for every such principal.
    Building a statement costs milliseconds; executing a cached one does not
    rebuild anything."""
    return built_once((builder, shape_of(principal)), lambda: build(principal))


class VisibleOneByKey(OneByKey[K]):
    """One row per key, among the rows the request's principal may reach: the
    statement is built from the principal's shape (``build``, kept by
    :func:`built_for`), with the visibility rule in its WHERE clause, so a
    hidden row is a missing one; the principal's id is bound at execution."""

    def __init__(self, engine: Source, principal: Principal | None) -> None:
        self.principal = principal or NOBODY
        super().__init__(engine, principal_id=self.principal.id)

    def build(self, principal: Principal) -> Executable:
        raise NotImplementedError

    def query(self) -> Executable:
        return built_for(type(self), self.principal, self.build)
