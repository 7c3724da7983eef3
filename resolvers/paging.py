"""Connection values returned by paginated resolvers (plain data; the schema's
connection types read their attributes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loaders.paging import Page

MAX_PAGE_SIZE = 100


class PageSizeError(ValueError):
    """``first`` outside 1..max."""


@dataclass(frozen=True, slots=True)
class PageInfoData:
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class EdgeData:
    cursor: str
    node: Any


@dataclass(frozen=True, slots=True)
class ConnectionData:
    edges: list[EdgeData]
    nodes: list[Any]
    page_info: PageInfoData


def page_size(first: int | None, default: int, maximum: int) -> int:
    """The requested page size, checked against the maximum."""
    size = default if first is None else first
    if not 1 <= size <= maximum:
        raise PageSizeError(f"first must be between 1 and {maximum}")
    return size


def connection(page: Page[Any], cursor: Callable[[Any], str]) -> ConnectionData:
    edges = [EdgeData(cursor(row), row) for row in page.rows]
    return ConnectionData(
        edges=edges,
        nodes=page.rows,
        page_info=PageInfoData(page.has_next, edges[-1].cursor if edges else None),
    )
