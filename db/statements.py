"""Reads built with SQLAlchemy Core, compiled once, run on asyncpg directly.

A loader's statement is compiled for the engine's dialect the first time it
runs (SQL text with ``$n`` placeholders, the parameters' order and their
bind conversions, the columns and their result conversions) and kept; each
execution then costs asyncpg's own work only: the connection's prepared
statement cache, one round trip, and a light named-tuple row per record with
the same values SQLAlchemy would give (enums as enum members, and so on).

A statement this module cannot take (duplicate column names, a parameter it
is not given) is refused at compile time with :class:`NotCompilable`, and the
caller runs it through SQLAlchemy instead.

Listeners registered with :func:`on_statement` hear of every statement sent
this way (tests count round trips with them).
"""

from __future__ import annotations

import keyword
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import ClauseElement, Executable

Processor = Callable[[Any], Any] | None
Listener = Callable[[str], None]


class NotCompilable(Exception):
    """A statement this module does not run (SQLAlchemy runs it)."""


@dataclass(frozen=True, slots=True)
class Compiled:
    sql: str
    #: Parameter names in ``$n`` order.
    names: tuple[str, ...]
    #: Values the statement binds itself (constants in its WHERE clause).
    fixed: Mapping[str, Any]
    binds: tuple[Processor, ...]
    #: The columns SQLAlchemy converts (position, conversion), e.g. enums.
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: type[tuple[Any, ...]]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, process in zip(self.names, self.binds, strict=True):
            if name in params:
                value = params[name]
            elif name in self.fixed:
                value = self.fixed[name]
            else:
                raise NotCompilable(f"no value for parameter {name}")
            values.append(value if process is None else process(value))
        return values

    def rows(self, records: Sequence[Any]) -> list[Any]:
        make = self.row._make  # type: ignore[attr-defined]
        converted = self.converted
        if not converted:
            return [make(record) for record in records]
        rows = []
        for record in records:
            values = list(record)
            for n, process in converted:
                value = values[n]
                if value is not None:
                    values[n] = process(value)
            rows.append(make(values))
        return rows


def compile_statement(statement: ClauseElement, dialect: Dialect) -> Compiled:
    """``statement`` compiled for ``dialect`` (asyncpg's ``$n`` style)."""
    compiled: Any = statement.compile(dialect=dialect)
    given: dict[str, None] = {}
    for name, bind in compiled.binds.items():
        if bind.required:
            if bind.expanding:
                raise NotCompilable(f"an IN list bound at execution ({name})")
            given[name] = None
    # IN lists written into the statement are expanded into $n parameters
    expanded = compiled.construct_expanded_state(given)
    names = tuple(expanded.positiontup or ())
    # the statement's own conversions, and those of the expanded IN lists
    bind_processors: Mapping[str, Processor] = {
        **compiled._bind_processors,
        **expanded.processors,
    }
    columns = [column.keyname for column in compiled._result_columns]
    if len(set(columns)) != len(columns):
        raise NotCompilable("a statement without unique column names")
    if any(not c.isidentifier() or keyword.iskeyword(c) for c in columns):
        raise NotCompilable("a column name that is not an identifier")
    results = [_result_processor(c.type, dialect) for c in compiled._result_columns]
    fixed = {
        name: value for name, value in expanded.parameters.items() if name not in given
    }
    return Compiled(
        sql=expanded.statement,
        names=names,
        fixed=fixed,
        binds=tuple(bind_processors.get(name) for name in names),
        converted=tuple((n, p) for n, p in enumerate(results) if p is not None),
        row=namedtuple("Row", columns) if columns else tuple,
    )


#: PostgreSQL type OIDs asyncpg decodes numbers from: float8, numeric.
_FLOAT8, _NUMERIC = 701, 1700


def _result_processor(type_: Any, dialect: Dialect) -> Processor:
    """What SQLAlchemy does to a column's value; numbers depend on the column
    type asyncpg decodes (a float for float columns, a Decimal otherwise)."""
    coltype = None
    if isinstance(type_, (sqltypes.Numeric, sqltypes.Float)):
        coltype = _FLOAT8 if isinstance(type_, sqltypes.Float) else _NUMERIC
    processor: Processor = type_._cached_result_processor(dialect, coltype)
    return processor


class Statements:
    """Compiled statements of one dialect, kept by statement (bounded: the
    statements passed here are built once per shape and live for the
    process)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self._compiled: OrderedDict[ClauseElement, Compiled | None] = OrderedDict()

    def get(self, statement: ClauseElement, dialect: Dialect) -> Compiled | None:
        found = self._compiled.get(statement, False)
        if found is not False:
            self._compiled.move_to_end(statement)
            return found  # type: ignore[return-value]
        try:
            made: Compiled | None = compile_statement(statement, dialect)
        except NotCompilable:
            made = None
        self._compiled[statement] = made
        if len(self._compiled) > self.capacity:
            self._compiled.popitem(last=False)
        return made


STATEMENTS = Statements()

_LISTENERS: dict[int, list[Listener]] = {}
#: Set while a second run checks the first (``execution_check``): listeners
#: hear of the statements of the answer served only.
_QUIET: ContextVar[bool] = ContextVar("statements_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Listeners are not told of statements sent within (in this task and
    the tasks it starts)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def on_statement(engine: AsyncEngine, listener: Listener) -> Callable[[], None]:
    """Call ``listener(sql)`` for each statement sent on ``engine`` through
    :func:`fetch`; returns the function that removes it."""
    key = id(engine.sync_engine.pool)
    _LISTENERS.setdefault(key, []).append(listener)

    def remove() -> None:
        listeners = _LISTENERS.get(key, [])
        if listener in listeners:
            listeners.remove(listener)
        if not listeners:
            _LISTENERS.pop(key, None)

    return remove


async def fetch(
    conn: AsyncConnection, statement: Executable, params: Mapping[str, Any]
) -> list[Any]:
    """The rows of ``statement`` on ``conn``: compiled once, sent by asyncpg
    (SQLAlchemy runs what cannot be compiled here)."""
    compiled = STATEMENTS.get(cast("ClauseElement", statement), conn.dialect)
    if compiled is None:
        return list((await conn.execute(statement, dict(params))).all())
    arguments = compiled.arguments(params)
    driver = await _sending(conn, compiled)
    return compiled.rows(await driver.fetch(compiled.sql, *arguments))


async def execute_many(
    conn: AsyncConnection, statement: Executable, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``statement`` (a change, returning nothing) once per row of values, in
    one round trip and one implicit transaction (asyncpg's ``executemany``:
    all rows or none)."""
    compiled = STATEMENTS.get(cast("ClauseElement", statement), conn.dialect)
    if compiled is None:
        await conn.execute(statement, [dict(row) for row in rows])
        return
    arguments = [compiled.arguments(row) for row in rows]
    driver = await _sending(conn, compiled)
    await driver.executemany(compiled.sql, arguments)


async def _sending(conn: AsyncConnection, compiled: Compiled) -> Any:
    """``conn``'s asyncpg connection, the listeners told of the statement."""
    raw = await conn.get_raw_connection()
    listeners = _LISTENERS.get(id(conn.sync_engine.pool))
    if listeners and not _QUIET.get():
        for listener in listeners:
            listener(compiled.sql)
    return raw.driver_connection
