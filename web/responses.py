"""HTTP-level refusals, still in the GraphQL error format."""

from __future__ import annotations

import orjson
from starlette.responses import Response

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
