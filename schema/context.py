"""Per-request state handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import strawberry

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
    from starlette.requests import Request

    from settings import Settings


@dataclass(slots=True)
class Context:
    """Built fresh for each request; never shared between requests."""

    request: Request
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]


Info = strawberry.Info[Context, None]
