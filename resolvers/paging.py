"""Connection values returned by paginated resolvers (plain data; the schema's
connection types read their attributes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loaders.paging import CursorError, Page, decode_cursor
from schema.errors import BadUserInput


@dataclass(frozen=True, slots=True)
class PageInfoData:
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class EdgeData:
    cursor: str
    node: Any


class ConnectionData:
    """A page as a connection; each edge's cursor is made only when the
    edges are asked for (most pages are read through ``nodes``)."""

    __slots__ = ("_cursor", "_edges", "nodes", "page_info")

    def __init__(self, page: Page[Any], cursor: Callable[[Any], str]) -> None:
        self.nodes: list[Any] = page.rows
        self._cursor = cursor
        self._edges: list[EdgeData] | None = None
        last = cursor(page.rows[-1]) if page.rows else None
        self.page_info = PageInfoData(page.has_next, last)

    @property
    def edges(self) -> list[EdgeData]:
        if self._edges is None:
            self._edges = [EdgeData(self._cursor(row), row) for row in self.nodes]
        return self._edges


DEFAULT_PAGE_SIZE = 20


def page_request(
    first: int | None, after: str | None, maximum: int, kind: str, *keyset: type
) -> tuple[int, tuple[Any, ...] | None]:
    """The page size (checked against ``maximum``) and the decoded ``after``
    cursor of a list whose cursors carry ``keyset`` values."""
    size = min(DEFAULT_PAGE_SIZE, maximum) if first is None else first
    if not 1 <= size <= maximum:
        raise BadUserInput(f"first must be between 1 and {maximum}")
    try:
        return size, decode_cursor(kind, after, *keyset) if after else None
    except CursorError as exc:
        raise BadUserInput(str(exc)) from None


def connection(page: Page[Any], cursor: Callable[[Any], str]) -> ConnectionData:
    return ConnectionData(page, cursor)
