"""The ``/graphql`` endpoint: GraphQL over HTTP, with every limit checked
before the document is parsed or executed.

In order, each step refusing as cheaply as it can:
method and media types, the caller's token (which decides their limits), the
body size, the parameters, the document's tokens and nesting (before
parsing), its shape (before validation), validation, the operation, its
variables and its cost; then execution under the request deadline, and the
audit records before the response leaves.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections import Counter
from contextlib import nullcontext
from datetime import date
from typing import Any, NamedTuple

from graphql import GraphQLError, OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.http.ides import get_graphql_ide_html
from strawberry.types import ExecutionResult

from auth.audit import AuditLog
from auth.authentication.authenticate import Authenticator
from auth.authentication.errors import (
    AuthenticationError,
    invalid_token,
    www_authenticate,
)
from auth.principal import Principal
from db import statements
from db.failures import TIMEOUT, classify
from documents.cache import DocumentCache
from documents.limits import CallerKind, Limits, caller_kind
from documents.persisted import PersistedDocuments, persisted_query_of, sha256_of
from documents.prepare import (
    NESTING_ALLOWANCE,
    Planner,
    Prepared,
    RequestError,
    fragments_of,
)
from documents.trusted import Manifest
from execution.compile import Elsewhere
from execution.plan import Unsupported
from execution.run import Executor, Fallback
from loaders import Loaders
from ratelimits import RateLimiter, principal_key
from schema import gate
from schema.build import GatewaySchema, validation_rules
from schema.context import Context
from schema.extensions import shape_error
from schema.list_sizes import LIST_SIZES
from settings import Settings
from web.protocol import (
    MediaType,
    NotAcceptable,
    Params,
    is_json_body,
    json_depth,
    negotiate,
    params_from_body,
    params_from_query_string,
    status_of_request_error,
    wants_html,
)
from web.responses import error_response, graphql_response

log = logging.getLogger("gateway")

ALLOWED_METHODS = "GET, POST"

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _request_id(request: Request) -> str:
    """The caller's ``X-Request-ID`` when it is a sane token, else a new one."""
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, reading no more than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    size = 0
    chunks: list[bytes] = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class GraphQLEndpoint:
    """The ASGI app at ``/graphql``."""

    def __init__(self, schema: GatewaySchema, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self.planner = Planner(
            schema=schema._schema,
            rules=validation_rules(introspection=settings.introspection_enabled),
            cache=DocumentCache(
                settings.document_cache_entries, settings.document_cache_bytes
            ),
            max_page_size=settings.max_page_size,
            list_sizes=LIST_SIZES,
            list_estimate=settings.cost_list_estimate,
            hide_suggestions=not settings.introspection_enabled,
        )
        self.executor = Executor(schema, settings.execution_plans)
        #: Answers per path, and the planned answers that differed from
        #: Strawberry's (``execution_check``).
        self.executions: Counter[str] = Counter()
        self.mismatches: list[str] = []
        self.manifest = (
            Manifest.load(settings.trusted_documents_manifest)
            if settings.trusted_documents_manifest is not None
            else None
        )
        self.ide_html = (
            get_graphql_ide_html(graphql_ide="graphiql")
            if settings.graphiql_enabled
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        deadline = self.settings.request_timeout_seconds
        timer = asyncio.timeout(deadline)
        try:
            async with timer:
                response = await self._respond(request)
        except Exception as exc:
            failure = (
                TIMEOUT
                if isinstance(exc, TimeoutError) and timer.expired()
                else classify(exc)
            )
            if failure is not None:
                log.warning("request ended outside the operation: %r", exc)
                response = error_response(failure.status, failure.message)
            else:
                log.exception("unexpected error outside the operation")
                response = error_response(500, "Unexpected error.")
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        if request.method not in {"GET", "POST"}:
            message = "Use GET (queries) or POST."
            return error_response(405, message, {"Allow": ALLOWED_METHODS})
        accept = request.headers.get("accept")
        if (
            self.ide_html is not None
            and request.method == "GET"
            and "query" not in request.query_params
            and wants_html(accept)
        ):
            return HTMLResponse(self.ide_html)
        try:
            media = negotiate(accept)
        except NotAcceptable:
            return error_response(
                406, f"Accept {MediaType.GRAPHQL_RESPONSE} or {MediaType.JSON}."
            )
        authenticator: Authenticator = request.app.state.authenticator
        try:
            caller = await authenticator.caller(request.headers.get("authorization"))
        except AuthenticationError as exc:
            limited = await self._rate_limited(
                request, None, CallerKind.ANONYMOUS, media
            )
            if limited is not None:
                return limited
            challenge = {"WWW-Authenticate": www_authenticate(exc)}
            return error_response(exc.status_code, exc.description, challenge, media)
        principal = caller.principal
        kind = caller_kind(principal)
        limited = await self._rate_limited(request, principal, kind, media)
        if limited is not None:
            return limited
        limits = self.settings.limits_for(kind)
        try:
            params = await self._params(request, limits)
        except _TooLarge:
            message = f"The request exceeds {limits.max_body_bytes} bytes."
            status = 414 if request.method == "GET" else 413
            return error_response(status, message, media=media)
        except _Unsupported:
            message = "POST a body of type application/json (UTF-8)."
            return error_response(415, message, media=media)
        except RequestError as refusal:
            return self._request_error(refusal, media)
        return await self._admitted(
            request, principal, caller.remembered, params, media, kind, limits
        )

    async def _admitted(
        self,
        request: Request,
        principal: Principal | None,
        remembered: bool,
        params: Params,
        media: MediaType,
        kind: CallerKind,
        limits: Limits,
    ) -> Response:
        """The answer to a request whose parameters were read: the document
        checked and admitted for the caller, then executed."""
        try:
            query, register = await self._document_text(request, params, kind)
            document, operation = self.planner.operation(
                query, params.operation_name, limits
            )
            if (
                request.method == "GET"
                and operation.operation is not OperationType.QUERY
            ):
                message = "Only queries may be sent with GET; use POST."
                return error_response(405, message, {"Allow": "POST"}, media)
            refused = gate.refusal(
                principal, self.settings, operation, fragments_of(document)
            )
            if refused is not None:
                headers = (
                    {"WWW-Authenticate": refused.challenge}
                    if refused.challenge
                    else None
                )
                body = {"errors": [refused.error.formatted]}
                return graphql_response(body, refused.status, media, headers)
            prepared = self.planner.admit(document, operation, params.variables, limits)
        except RequestError as refusal:
            return self._request_error(refusal, media)
        if register is not None:
            await request.app.state.persisted.put(register, query)
        execution = _Execution(request, query, params, prepared, media, kind)
        try:
            return await self._execute(execution, principal, remembered)
        except _Unconfirmed:
            pass
        # the remembered principal is read again before anything else runs
        authenticator: Authenticator = request.app.state.authenticator
        try:
            confirmed = await authenticator.caller(
                request.headers.get("authorization"), remembered=False
            )
        except AuthenticationError as exc:
            challenge = {"WWW-Authenticate": www_authenticate(exc)}
            return error_response(exc.status_code, exc.description, challenge, media)
        if confirmed.principal == principal:
            return await self._execute(execution, principal, False)
        if caller_kind(confirmed.principal) is not kind:
            # other limits and rates apply: the caller sends it again
            error = invalid_token("the login's link changed; send the request again")
            challenge = {"WWW-Authenticate": www_authenticate(error)}
            return error_response(401, error.description, challenge, media)
        # the same kind of caller, linked to someone else (or to no one now)
        return await self._admitted(
            request, confirmed.principal, False, params, media, kind, limits
        )

    async def _rate_limited(
        self,
        request: Request,
        principal: Principal | None,
        kind: CallerKind,
        media: MediaType,
    ) -> Response | None:
        """429 with ``Retry-After`` when the caller or its address is over
        its rate (``ratelimits``)."""
        limiter: RateLimiter = request.app.state.limiter
        address = request.client.host if request.client else "unknown"
        decision = await limiter.check(principal_key(principal), address, kind.value)
        if decision.allowed:
            return None
        retry = decision.retry_after_header
        return error_response(
            429,
            f"Too many requests; try again in {retry} s.",
            {"Retry-After": str(retry)},
            media,
        )

    async def _document_text(
        self, request: Request, params: Params, kind: CallerKind
    ) -> tuple[str, str | None]:
        """The document to run, and the hash to register it under once it
        has passed (automatic persisted queries), if any. Checked before
        parsing: a trusted-documents caller runs the manifest's only."""
        asked = persisted_query_of(params.extensions)
        given = params.query
        if given is not None and asked is not None and sha256_of(given) != asked.sha256:
            raise RequestError("BAD_REQUEST", "provided sha does not match query")
        if self.manifest is not None and kind in self.settings.trusted_documents_for:
            digest = asked.sha256 if asked else given and sha256_of(given)
            trusted = self.manifest.get(digest) if digest else None
            if trusted is None:
                raise RequestError(
                    "PERSISTED_QUERY_NOT_IN_LIST",
                    "Only the operations of the agency's own apps are accepted.",
                )
            return trusted, None
        if asked is None:
            if given is None:
                raise RequestError("BAD_REQUEST", "Missing the 'query' parameter.")
            return given, None
        if not self.settings.persisted_queries:
            raise RequestError(
                "PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported"
            )
        if given is not None:
            return given, asked.sha256
        store: PersistedDocuments = request.app.state.persisted
        stored = await store.get(asked.sha256)
        if stored is None:
            raise RequestError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
        return stored, None

    async def _params(self, request: Request, limits: Limits) -> Params:
        if request.method == "GET":
            if len(request.url.query) > limits.max_body_bytes:
                raise _TooLarge
            params = params_from_query_string(request.query_params)
        else:
            if not is_json_body(request.headers.get("content-type")):
                raise _Unsupported
            params = params_from_body(await _read_body(request, limits.max_body_bytes))
        if params.variables is not None and not json_depth(
            params.variables, limits.max_depth + NESTING_ALLOWANCE
        ):
            raise RequestError(
                "LIMIT_EXCEEDED",
                "Refused before execution: the variables nest too deep.",
                extensions={"limit": "max_depth", "allowed": limits.max_depth},
            )
        return params

    @staticmethod
    def _request_error(refusal: RequestError, media: MediaType) -> Response:
        errors = [error.formatted for error in refusal.graphql_errors()]
        status = status_of_request_error(media, refusal.code)
        return graphql_response({"errors": errors}, status, media)

    async def _execute(
        self, execution: _Execution, principal: Principal | None, remembered: bool
    ) -> Response:
        """The operation's answer; ``_Unconfirmed`` when the principal was
        remembered (``Caller.remembered``) and the answer would not come from
        a compiled statement, which reads the caller's link itself."""
        request, query, params, prepared, media, kind = execution
        request_id = _request_id(request)
        today = date.today()
        planned = await self._planned(
            request,
            principal,
            query,
            params,
            prepared,
            kind,
            request_id,
            today,
            remembered,
        )
        if planned is not None and not self.settings.execution_check:
            body, audit = planned
            status = 200
        else:
            context = self._context(request, principal, prepared, request_id, today)
            # the answer Strawberry gives (with execution_check, the
            # reference the planned answer is compared with; it serves
            # this one, and its statements are not counted as served)
            with statements.quiet() if planned is not None else nullcontext():
                result = await self.schema.execute(
                    query,
                    variable_values=prepared.variables,
                    context_value=context,
                    operation_name=params.operation_name,
                )
            body, status = self._result(result)
            audit = context.audit
            if planned is not None:
                self._check(query, body, audit, *planned)
        # the audit records go in before the response leaves; if they cannot,
        # the caller gets an error, never data whose reading went unrecorded
        await audit.flush(request.app.state.engine)
        return graphql_response(body, status, media, {"X-Request-ID": request_id})

    def _context(
        self,
        request: Request,
        principal: Principal | None,
        prepared: Prepared,
        request_id: str,
        today: date,
        *,
        held: bool = False,
    ) -> Context:
        state = request.app.state
        return Context(
            request=request,
            settings=self.settings,
            engine=state.engine,
            sessionmaker=state.sessionmaker,
            principal=principal,
            loaders=Loaders(state.read_engine, today, principal, held=held),
            as_of=today,
            audit=AuditLog(principal, request_id),
            help=state.help,
            prepared=prepared,
        )

    async def _planned(
        self,
        request: Request,
        principal: Principal | None,
        query: str,
        params: Params,
        prepared: Prepared,
        kind: CallerKind,
        request_id: str,
        today: date,
        remembered: bool,
    ) -> tuple[dict[str, Any], AuditLog] | None:
        """The answer of the planned path (``execution``), with its audit
        records; None when Strawberry must answer (logged with the reason).
        ``_Unconfirmed`` for a remembered principal unless a compiled
        statement answered (having read the caller's link)."""
        if (
            not self.settings.planned_execution
            or prepared.operation_type is not OperationType.QUERY
        ):
            # changes are Strawberry's, always (resolvers/mutation.py)
            if remembered:
                raise _Unconfirmed
            return None
        key = (query, params.operation_name, kind.value)
        context = self._context(
            request, principal, prepared, request_id, today, held=True
        )
        try:
            plan = self.executor.planner.plan(
                key, prepared.document, prepared.operation
            )
            found = None
            try:
                compiled = self.executor.compiled(plan, context)
                assert principal is not None
                found = await self.executor.run_compiled(
                    compiled, context.loaders.engine, principal, prepared.coerced
                )
            except (Unsupported, Elsewhere):
                pass
            if found is not None:
                data, path = found, "compiled"
            elif remembered:
                # no statement read the caller's link with the answer
                raise _Unconfirmed
            else:
                # a level at a time: the plan does not compile (the reason
                # is on it), the variables take this request where the
                # statement does not go, or the login was unlinked since it
                # was read a moment ago (answered as of that read)
                data = await self.executor.run(plan, context, prepared.coerced)
                path = "planned"
        except (Unsupported, Fallback) as exc:
            cause = exc.__cause__
            if cause is not None and classify(cause) is not None:
                # the database failed or timed out: answered as such now
                # (503 or 504), not waited for a second time by Strawberry
                self.executions["failed"] += 1
                raise cause from None
            if remembered:
                raise _Unconfirmed from None
            self.executions["strawberry"] += 1
            log.info(
                "executed by Strawberry (%s: %s) request_id=%s",
                "unsupported" if isinstance(exc, Unsupported) else "fallback",
                exc,
                request_id,
            )
            return None
        finally:
            # the planned path's one connection goes back before anything else
            await context.loaders.close()
        self.executions[path] += 1
        return {"data": data}, context.audit

    def _check(
        self,
        query: str,
        expected: dict[str, Any],
        audit: AuditLog,
        body: dict[str, Any],
        planned_audit: AuditLog,
    ) -> None:
        """``execution_check``: the planned answer against Strawberry's."""
        differences = []
        if body != expected:
            differences.append(f"answer {body!r} against {expected!r}")
        if _audit_rows(planned_audit) != _audit_rows(audit):
            differences.append(
                f"audit {_audit_rows(planned_audit)!r} against {_audit_rows(audit)!r}"
            )
        if differences:
            message = f"planned execution differs for {query!r}: " + "; ".join(
                differences
            )
            log.error("%s", message[:4000])
            self.mismatches.append(message[:4000])

    def _result(self, result: ExecutionResult) -> tuple[dict[str, Any], int]:
        """The response body, and its status: a database failure anywhere in
        the operation makes it 503 (504 for a timeout)."""
        body: dict[str, Any] = {"data": result.data}
        status = 200
        if result.errors:
            suggest = self.settings.introspection_enabled
            shaped: list[GraphQLError] = [
                shape_error(error, suggestions=suggest) for error in result.errors
            ]
            codes = {(error.extensions or {}).get("code") for error in shaped}
            if "SERVICE_UNAVAILABLE" in codes:
                status = 503
            elif "TIMEOUT" in codes:
                status = 504
            body["errors"] = [error.formatted for error in shaped]
        if result.extensions:
            body["extensions"] = result.extensions
        return body, status


def _audit_rows(audit: AuditLog) -> list[str]:
    return sorted(repr(sorted(row.items())) for row in audit.rows())


class _Unconfirmed(Exception):
    """A remembered principal must be read again before the request runs."""


class _Execution(NamedTuple):
    """An admitted request, ready to execute."""

    request: Request
    query: str
    params: Params
    prepared: Prepared
    media: MediaType
    kind: CallerKind


class _Unsupported(Exception):
    pass
