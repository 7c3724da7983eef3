"""Per-request state handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import strawberry

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
    from starlette.requests import Request
    from starlette.responses import Response

    from auth.principal import Principal
    from db.enums import ParticipantRole
    from loaders import Loaders
    from settings import Settings


@dataclass(slots=True)
class Context:
    """Built fresh for each request; never shared between requests."""

    request: Request
    response: Response
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    principal: Principal | None
    loaders: Loaders
    as_of: date
    #: The viewer's roles per case id, once looked up (see auth.policy).
    case_roles: dict[int, frozenset[ParticipantRole]] | None = field(default=None)


Info = strawberry.Info[Context, None]
