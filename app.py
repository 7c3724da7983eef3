"""The gateway's ASGI application: ``create_app(settings)``.

Run it with ``./run serve`` (or ``uvicorn app:app``). The lifespan owns the
database engine; in demo mode it also starts, migrates and seeds the embedded
PostgreSQL on first start and reuses it afterwards. The view itself is in
``web/``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from auth.authentication.authenticate import Authenticator
from auth.authentication.oidc import OIDCVerifier
from db import migrate
from db.engine import create_engine, create_sessionmaker, reads_of
from documents.limits import CallerKind
from documents.persisted import PersistedDocuments
from loaders.help_content import HelpContent
from ratelimits import RateLimiter, open_store
from ratelimits.bucket import Limit
from ratelimits.lease import Leases
from schema.build import build_schema
from settings import Settings
from web import access_log
from web.health import healthz, readyz
from web.view import GraphQLEndpoint

log = logging.getLogger("gateway")


async def _prepare_embedded(settings: Settings) -> tuple[Any, str]:
    """Start the embedded cluster; migrate and seed it on first start."""
    from demo import embedded
    from demo.seed import loader

    server, url = await asyncio.to_thread(embedded.start, settings.data_dir / "pg")
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        await migrate.upgrade(engine)
        if not await loader.is_seeded(engine):
            log.info("seeding demo data (scale %s)", settings.demo_scale)
            report = await loader.load(
                engine,
                scale=settings.demo_scale,
                seed=settings.demo_seed,
                as_of=date.today(),
            )
            log.info("seeded %s rows in %.1f s", report.total_rows, report.seconds)
    finally:
        await engine.dispose()
    return server, url.render_as_string(hide_password=False)


def create_app(
    settings: Settings, *, http_client: httpx.AsyncClient | None = None
) -> Starlette:
    """Build the application for ``settings``; nothing connects until startup.

    ``http_client`` is what the gateway uses to reach its OIDC issuer (tests may
    hand one in); by default the lifespan opens and closes its own.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        access_log.install()
        server = None
        url = settings.database_url
        if url is None:
            server, url = await _prepare_embedded(settings)
        engine = create_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            statement_timeout_seconds=settings.db_statement_timeout_seconds,
            command_timeout_seconds=settings.db_command_timeout_seconds,
            # no request keeps a transaction open longer than the request may
            # last: a session idle in one that long has lost its client
            idle_in_transaction_timeout_seconds=settings.request_timeout_seconds,
            connect_timeout_seconds=settings.db_connect_timeout_seconds,
            pool_timeout_seconds=settings.db_pool_timeout_seconds,
            pre_ping=settings.db_pre_ping,
        )
        # trust_env=False: the issuer (in demo mode, ourselves) is reached
        # directly, never through a proxy taken from the environment
        client = http_client or httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.oidc_http_timeout_seconds),
        )
        verifier = OIDCVerifier(
            settings.issuer,
            settings.oidc_audience,
            client,
            algorithms=settings.oidc_algorithms,
            leeway_seconds=settings.oidc_leeway_seconds,
            jwks_min_refresh_seconds=settings.oidc_jwks_min_refresh_seconds,
            jwks_max_age_seconds=settings.oidc_jwks_max_age_seconds,
            allow_insecure_http=settings.insecure_issuer_allowed,
            token_types=settings.oidc_token_types,
            max_lifetime_seconds=settings.oidc_max_token_lifetime_seconds,
            fetch_timeout_seconds=settings.oidc_http_timeout_seconds,
        )
        app.state.settings = settings
        app.state.engine = engine
        app.state.read_engine = reads_of(engine)
        app.state.sessionmaker = create_sessionmaker(engine)
        # the identity lookup is one read: autocommit, no BEGIN/ROLLBACK
        app.state.authenticator = Authenticator(verifier, app.state.read_engine)
        app.state.help = HelpContent(
            app.state.read_engine, settings.help_content_max_age_seconds
        )
        app.state.persisted = PersistedDocuments(
            engine, settings.persisted_queries_max_documents
        )
        limiter_engine = create_engine(
            url,
            pool_size=settings.rate_limit_db_pool_size,
            max_overflow=0,
            statement_timeout_seconds=1.0,
            command_timeout_seconds=2.0,
            connect_timeout_seconds=2.0,
            pool_timeout_seconds=settings.rate_limit_timeout_seconds,
            # a take is one statement: no ping round trip (and its BEGIN and
            # ROLLBACK) before it; a connection found dead fails open once
            pre_ping=settings.db_pre_ping,
        )
        app.state.limiter = _rate_limiter(settings, limiter_engine)
        app.state.embedded = server
        try:
            await _on_startup(app, settings, engine)
            yield
        finally:
            if http_client is None:
                await client.aclose()
            await app.state.limiter.close()
            await limiter_engine.dispose()
            await engine.dispose()
            if server is not None:
                # stop the embedded cluster here: uvicorn ends the process by
                # re-raising the signal it caught, so exit hooks never run
                await asyncio.to_thread(server.cleanup)

    graphql = GraphQLEndpoint(build_schema(), settings)
    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        # every method reaches the view, which refuses others in GraphQL format
        Route("/graphql", graphql),
    ]
    routes.extend(_dev_issuer_routes(settings))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.graphql = graphql
    return app


def _rate_limiter(settings: Settings, engine: AsyncEngine) -> RateLimiter:
    """The request-rate limits, their buckets in the database of ``engine``
    (the limiter's own small pool) or in Redis."""
    store = open_store(
        settings.rate_limit_store,
        engine,
        timeout_seconds=settings.rate_limit_timeout_seconds,
    )
    return RateLimiter(
        Leases(store, most=settings.rate_limit_take_ahead),
        limits={
            kind.value: Limit.parse(getattr(settings, f"rate_limit_{kind.value}"))
            for kind in CallerKind
        },
        address_limit=Limit.parse(settings.rate_limit_address),
        timeout_seconds=settings.rate_limit_timeout_seconds,
    )


def _dev_issuer_routes(settings: Settings) -> list[BaseRoute]:
    """The development issuer, mounted in demo mode only."""
    if not settings.is_demo or settings.oidc_issuer:
        return []
    from demo.dev_issuer import DevIssuer
    from demo.dev_issuer_routes import dev_issuer_routes

    issuer = DevIssuer(
        settings.dev_issuer_url, settings.oidc_audience, settings.data_dir
    )
    return [Mount("/dev-issuer", routes=dev_issuer_routes(issuer))]


async def _on_startup(app: Starlette, settings: Settings, engine: AsyncEngine) -> None:
    """Demo mode: link the personas to the development issuer at this address
    (once the demo data is there; `./run seed` loads it into DATABASE_URL)."""
    if settings.is_demo and not settings.oidc_issuer:
        from demo.dev_issuer import ensure_persona_links
        from demo.seed.loader import holds_demo_personas, is_seeded

        if await holds_demo_personas(engine):
            await ensure_persona_links(engine, settings.dev_issuer_url)
        elif await is_seeded(engine):
            log.warning(
                "demo mode on a database without the demo personas: no demo "
                "logins are linked (set GATEWAY_MODE=production for real data)"
            )
        else:
            log.warning("no demo data: persona logins need `./run seed` first")


def _app_from_environment() -> Starlette:
    return create_app(Settings())


def __getattr__(name: str) -> Any:
    # `uvicorn app:app` builds the app from the environment on first access, so
    # importing this module (tests, tools) builds nothing.
    if name == "app":
        return _app_from_environment()
    raise AttributeError(name)
