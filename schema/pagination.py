"""Relay-style connection pieces shared by every paginated list."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
