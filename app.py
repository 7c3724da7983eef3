"""The gateway's ASGI application: ``create_app(settings)``.

Run it with ``./run serve`` (or ``uvicorn app:app``). The lifespan owns the
database engine; in demo mode it also starts, migrates and seeds the embedded
PostgreSQL on first start and reuses it afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from db import migrate
from db.engine import create_engine, create_sessionmaker
from schema.build import build_schema
from schema.context import Context
from settings import Settings

log = logging.getLogger("gateway")


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with our typed, per-request context."""

    async def get_context(self, request: Any, response: Any) -> Context:
        state = request.app.state
        return Context(
            request=request,
            settings=state.settings,
            engine=state.engine,
            sessionmaker=state.sessionmaker,
        )


async def _prepare_embedded(settings: Settings) -> tuple[Any, str]:
    """Start the embedded cluster; migrate and seed it on first start."""
    from db import embedded
    from db.seed import loader

    server, url = await asyncio.to_thread(embedded.start, settings.data_dir / "pg")
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        await migrate.upgrade(engine)
        if not await loader.is_seeded(engine):
            log.info("seeding demo data (scale %s)", settings.demo_scale)
            report = await loader.load(
                engine, scale=settings.demo_scale, seed=settings.demo_seed,
                as_of=date.today(),
            )
            log.info("seeded %s rows in %.1f s", report.total_rows, report.seconds)
    finally:
        await engine.dispose()
    return server, url.render_as_string(hide_password=False)


def create_app(settings: Settings) -> Starlette:
    """Build the application for ``settings``; nothing connects until startup."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server = None
        url = settings.database_url
        if url is None:
            server, url = await _prepare_embedded(settings)
        engine = create_engine(
            url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        )
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.embedded = server
        try:
            yield
        finally:
            await engine.dispose()

    graphql = GraphQLApp(
        build_schema(introspection=settings.introspection_enabled),
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
    )
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


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


def _app_from_environment() -> Starlette:
    return create_app(Settings())


def __getattr__(name: str) -> Any:
    # `uvicorn app:app` builds the app from the environment on first access, so
    # importing this module (tests, tools) builds nothing.
    if name == "app":
        return _app_from_environment()
    raise AttributeError(name)
