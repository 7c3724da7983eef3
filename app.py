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

import httpx
import orjson
from cross_web import HTTPException
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from auth.authentication.authenticate import Authenticator
from auth.authentication.errors import AuthenticationError, www_authenticate
from auth.authentication.oidc import OIDCVerifier
from db import migrate
from db.engine import create_engine, create_sessionmaker, reads_of
from loaders import Loaders
from schema.build import build_schema
from schema.context import Context
from schema.extensions import shape_error
from settings import Settings

log = logging.getLogger("gateway")


_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    503: "SERVICE_UNAVAILABLE",
}


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """An HTTP-level refusal, still in the GraphQL error format."""
    body = {
        "errors": [
            {
                "message": message,
                "extensions": {"code": _CODES.get(status, "BAD_REQUEST")},
            }
        ]
    }
    return Response(
        orjson.dumps(body), status, headers=headers, media_type="application/json"
    )


async def _check_body(request: Request, limit: int) -> Response | None:
    """Refuse a body over ``limit`` bytes (reading no more than that) or a JSON
    body that is not an object; keep the body for the view to parse."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return error_response(413, f"the body exceeds {limit} bytes")
    size = 0
    chunks: list[bytes] = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return error_response(413, f"the body exceeds {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette's body cache, read again by the view
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return error_response(400, "Unable to parse request body as JSON")
        if not isinstance(parsed, dict):
            return error_response(400, "The request body must be a JSON object")
    return None


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app: authenticates first, then runs the operation with
    a typed, per-request context; HTTP-level errors keep the GraphQL format."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self._respond(request)
        except HTTPException as exc:
            response = error_response(exc.status_code, exc.reason)
        except (DBAPIError, OSError, TimeoutError):
            log.exception("database unavailable")
            response = error_response(503, "Service unavailable, try again shortly.")
        except Exception:
            log.exception("unexpected error outside the operation")
            response = error_response(500, "Unexpected error.")
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        settings: Settings = request.app.state.settings
        if request.method == "POST":
            refusal = await _check_body(request, settings.max_body_bytes)
            if refusal is not None:
                return refusal
        authenticator: Authenticator = request.app.state.authenticator
        try:
            principal = await authenticator.authenticate(
                request.headers.get("authorization")
            )
        except AuthenticationError as exc:
            challenge = {"WWW-Authenticate": www_authenticate(exc)}
            return error_response(exc.status_code, exc.description, challenge)
        request.state.principal = principal
        return await self.run(request)

    async def get_context(self, request: Any, response: Any) -> Context:
        state = request.app.state
        today = date.today()
        return Context(
            request=request,
            response=response,
            settings=state.settings,
            engine=state.engine,
            sessionmaker=state.sessionmaker,
            principal=request.state.principal,
            loaders=Loaders(state.read_engine, today),
            as_of=today,
        )

    async def process_result(
        self, request: Any, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            suggest = request.app.state.settings.introspection_enabled
            result.errors = [
                shape_error(error, suggestions=suggest) for error in result.errors
            ]
        return process_result(result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


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
        server = None
        url = settings.database_url
        if url is None:
            server, url = await _prepare_embedded(settings)
        engine = create_engine(
            url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        )
        # trust_env=False: the issuer (in demo mode, ourselves) is reached
        # directly, never through a proxy taken from the environment
        client = http_client or httpx.AsyncClient(
            follow_redirects=False, trust_env=False
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
        )
        app.state.settings = settings
        app.state.engine = engine
        app.state.read_engine = reads_of(engine)
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.authenticator = Authenticator(verifier, engine)
        app.state.embedded = server
        try:
            await _on_startup(app, settings, engine)
            yield
        finally:
            if http_client is None:
                await client.aclose()
            await engine.dispose()
            if server is not None:
                # stop the embedded cluster here: uvicorn ends the process by
                # re-raising the signal it caught, so exit hooks never run
                await asyncio.to_thread(server.cleanup)

    graphql = GraphQLApp(
        build_schema(introspection=settings.introspection_enabled),
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
    )
    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        # every method reaches the view, which refuses others in GraphQL format
        Route("/graphql", graphql),
    ]
    routes.extend(_dev_issuer_routes(settings))
    return Starlette(routes=routes, lifespan=lifespan)


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
        from demo.seed.loader import is_seeded

        if await is_seeded(engine):
            await ensure_persona_links(engine, settings.dev_issuer_url)
        else:
            log.warning("no demo data: persona logins need `./run seed` first")


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
