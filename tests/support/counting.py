"""Counting the SQL statements an engine sends: through SQLAlchemy
(``before_cursor_execute``) and through asyncpg directly
(``db.statements``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from db import statements


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements ``engine`` (or an engine sharing its pool) sends inside
    the block, in order."""
    sent: list[str] = []

    def through_sqlalchemy(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", through_sqlalchemy)
    stop = statements.on_statement(engine, sent.append)
    try:
        yield sent
    finally:
        stop()
        event.remove(engine.sync_engine, "before_cursor_execute", through_sqlalchemy)
