"""Per-request state handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import strawberry

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
    from starlette.requests import Request

    from auth.audit import AuditLog
    from auth.principal import Principal
    from documents.prepare import Prepared
    from loaders import Loaders
    from loaders.help_content import HelpContent
    from settings import Settings


@dataclass(slots=True)
class Context:
    """Built fresh for each request; never shared between requests."""

    request: Request
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    principal: Principal | None
    loaders: Loaders
    as_of: date
    #: What this request read of personal data and cases; written before the
    #: response leaves (``auth.audit``).
    audit: AuditLog
    #: The public Help content, the process's copy.
    help: HelpContent
    #: The operation as the view prepared it (parsed, checked, validated).
    prepared: Prepared | None = None


Info = strawberry.Info[Context, None]
