"""The ``/graphql`` view: Strawberry's ASGI app, authenticating first."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import date
from typing import Any

import orjson
from cross_web import HTTPException
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from auth.audit import AuditLog
from auth.authentication.authenticate import Authenticator
from auth.authentication.errors import AuthenticationError, www_authenticate
from loaders import Loaders
from schema.context import Context
from schema.extensions import shape_error
from settings import Settings
from web.responses import error_response

log = logging.getLogger("gateway")


async def _check_body(request: Request, limit: int) -> bytes | Response:
    """Read the body, refusing one over ``limit`` bytes (reading no more than
    that) or a JSON body that is not an object; return the body or the refusal."""
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
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return error_response(400, "Unable to parse request body as JSON")
        if not isinstance(parsed, dict):
            return error_response(400, "The request body must be a JSON object")
    return body


def _with_body(request: Request, body: bytes) -> Request:
    """The same request (same scope, so the same ``request.state``) with its
    body, already read, delivered again once, as one message."""
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive=receive)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _request_id(request: Request) -> str:
    """The caller's ``X-Request-ID`` when it is a sane token, else a new one."""
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


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
            checked = await _check_body(request, settings.max_body_bytes)
            if isinstance(checked, Response):
                return checked
            request = _with_body(request, checked)
        authenticator: Authenticator = request.app.state.authenticator
        try:
            principal = await authenticator.authenticate(
                request.headers.get("authorization")
            )
        except AuthenticationError as exc:
            challenge = {"WWW-Authenticate": www_authenticate(exc)}
            return error_response(exc.status_code, exc.description, challenge)
        request.state.principal = principal
        request_id = _request_id(request)
        request.state.audit = AuditLog(principal, request_id)
        response = await self.run(request)
        # the audit records go in before the response leaves; if they cannot,
        # the caller gets an error, never data whose reading went unrecorded
        await request.state.audit.flush(request.app.state.engine)
        response.headers["X-Request-ID"] = request_id
        return response

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
            loaders=Loaders(state.read_engine, today, request.state.principal),
            as_of=today,
            audit=request.state.audit,
            help=state.help,
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
