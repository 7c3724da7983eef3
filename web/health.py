"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse

from db import migrate

log = logging.getLogger("gateway")


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and is migrated to what the code expects."""
    engine: AsyncEngine = request.app.state.engine
    try:
        async with asyncio.timeout(2):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            revision = await migrate.current_revision(engine)
    except Exception:
        log.warning("readiness check failed", exc_info=True)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    head = migrate.head_revision()
    if revision != head:
        return JSONResponse(
            {"status": "unavailable", "database": f"at {revision}, expected {head}"},
            503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "revision": revision})
