"""Responses of the ``/graphql`` endpoint, always in the GraphQL format."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from web.protocol import MediaType

_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
    504: "TIMEOUT",
}


def graphql_response(
    body: dict[str, Any],
    status: int,
    media: MediaType = MediaType.JSON,
    headers: dict[str, str] | None = None,
) -> Response:
    """A GraphQL response body as ``media``, UTF-8, never cached (it may carry
    personal data)."""
    response = Response(
        orjson.dumps(body),
        status,
        headers=headers,
        media_type=f"{media}; charset=utf-8",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    media: MediaType = MediaType.JSON,
    **extensions: Any,
) -> Response:
    """An HTTP-level refusal, still in the GraphQL error format."""
    code = extensions.pop("code", None) or _CODES.get(status, "BAD_REQUEST")
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return graphql_response({"errors": [error]}, status, media, headers)
