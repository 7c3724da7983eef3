"""GraphQL over HTTP (the current draft): media types, request parameters
and status codes, kept apart from what the gateway does with a request.

- ``application/graphql-response+json`` when the client accepts it: request
  errors (bad parameters, parse, validation, variable coercion) are HTTP 400
  without ``data``.
- ``application/json`` (also for ``*/*`` or no ``Accept``) keeps its legacy
  behaviour: 200 with ``errors`` for a document that does not parse, validate
  or run with its variables; a malformed request is 400 for both.
- A POST body must be ``application/json`` exactly (a UTF-8 charset
  parameter at most); GET carries the parameters in the query string and
  runs queries only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from documents.prepare import RequestError


class MediaType(StrEnum):
    GRAPHQL_RESPONSE = "application/graphql-response+json"
    JSON = "application/json"


class NotAcceptable(Exception):
    """The ``Accept`` header admits neither GraphQL response type."""


def _media_ranges(header: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def negotiate(accept: str | None) -> MediaType:
    """The response's media type for this ``Accept`` header. Only an explicit
    ``application/graphql-response+json`` selects it (with a quality at least
    that of ``application/json``); wildcards mean ``application/json``."""
    if accept is None or not accept.strip():
        return MediaType.JSON
    best: dict[MediaType, float] = {}
    for media, quality in _media_ranges(accept):
        if quality <= 0:
            continue
        if media == MediaType.GRAPHQL_RESPONSE:
            best[MediaType.GRAPHQL_RESPONSE] = max(
                quality, best.get(MediaType.GRAPHQL_RESPONSE, 0)
            )
        elif media in {MediaType.JSON, "application/*", "*/*"}:
            best[MediaType.JSON] = max(quality, best.get(MediaType.JSON, 0))
    if not best:
        raise NotAcceptable
    graphql = best.get(MediaType.GRAPHQL_RESPONSE, 0)
    return (
        MediaType.GRAPHQL_RESPONSE
        if graphql >= best.get(MediaType.JSON, 0)
        else (MediaType.JSON)
    )


def wants_html(accept: str | None) -> bool:
    """A browser asking for a page (the IDE), not for a GraphQL response."""
    return accept is not None and any(
        media == "text/html" and quality > 0 for media, quality in _media_ranges(accept)
    )


def is_json_body(content_type: str | None) -> bool:
    """``application/json``, exactly, with no charset or a UTF-8 one."""
    if content_type is None:
        return False
    media, *parameters = (p.strip() for p in content_type.split(";"))
    if media.lower() != MediaType.JSON:
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        name = name.strip().lower()
        value = value.strip().strip('"').lower()
        if name == "charset" and value not in {"utf-8", "utf8"}:
            return False
    return True


@dataclass(frozen=True, slots=True)
class Params:
    """A GraphQL-over-HTTP request's parameters, each of the right type."""

    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def _bad(message: str) -> RequestError:
    return RequestError("BAD_REQUEST", message)


def params_of(values: Mapping[str, Any]) -> Params:
    """The parameters of a decoded JSON body (or of a GET's decoded query
    string), each checked for its type."""
    query = values.get("query")
    if query is not None and not isinstance(query, str):
        raise _bad("The 'query' parameter must be a string.")
    operation_name = values.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise _bad("The 'operationName' parameter must be a string.")
    variables = values.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise _bad("The 'variables' parameter must be a map.")
    extensions = values.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise _bad("The 'extensions' parameter must be a map.")
    return Params(query, variables, operation_name, extensions)


def params_from_body(body: bytes) -> Params:
    if not body.strip():
        raise _bad("The request body is empty; send a JSON object.")
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad("Unable to parse the request body as JSON.") from None
    if not isinstance(decoded, dict):
        raise _bad("The request body must be a JSON object.")
    return params_of(decoded)


def params_from_query_string(values: Mapping[str, str]) -> Params:
    """GET: ``variables`` and ``extensions`` are JSON text in the URL."""
    decoded: dict[str, Any] = {
        "query": values.get("query"),
        "operationName": values.get("operationName"),
    }
    for name in ("variables", "extensions"):
        text = values.get(name)
        if text is None or text == "":
            continue
        try:
            decoded[name] = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise _bad(f"The '{name}' parameter must be JSON.") from None
    return params_of(decoded)


def json_depth(value: Any, limit: int) -> bool:
    """Whether ``value`` nests at most ``limit`` containers deep (iterative:
    the value may come from an attacker)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def status_of_request_error(media: MediaType, code: str) -> int:
    """A request error's status: 400 for the new media type, 200 for legacy
    clients (parse, validation, variables, limits), except a malformed request
    (``BAD_REQUEST``: the body, a parameter, no query), which is 400 for both,
    as the reference implementation answers."""
    if code == "BAD_REQUEST":
        return 400
    return 400 if media is MediaType.GRAPHQL_RESPONSE else 200
