"""Children as the viewer may see them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auth import policy
from schema.context import Info


@dataclass(frozen=True, slots=True)
class RedactedChild:
    """A child as the parent who only pays sees them: a name. No birth date, no
    address, and no emancipation date (it gives the birth date away)."""

    pk: int
    id: str
    first_name: str
    last_name: str
    date_of_birth: None = None
    expected_emancipation_date: None = None
    address_line1: None = None
    city: None = None
    state: None = None
    postal_code: None = None


async def as_seen(
    info: Info, rows: Sequence[Any], cases_of: Callable[[Any], Iterable[int]]
) -> list[Any]:
    """``rows`` with each child redacted unless the viewer sees the child's
    details on at least one of the cases ``cases_of(row)`` names."""
    seen: list[Any] = []
    for row in rows:
        if await policy.sees_child_details(info.context, *cases_of(row)):
            seen.append(row)
        else:
            seen.append(RedactedChild(row.pk, row.id, row.first_name, row.last_name))
    return seen
