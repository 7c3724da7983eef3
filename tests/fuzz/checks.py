"""What every response of the fuzz runs must be, whatever was asked: plain
functions, each failing with the request and the response."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

NEW = "application/graphql-response+json"
JSON = "application/json"
#: Accept headers a run chooses from (``None``: no header, i.e. JSON).
ACCEPTS = (NEW, JSON, None)
#: Never in a response: internals of the server.
INTERNALS = ("Traceback", "sqlalchemy", "asyncpg", "SELECT ", 'File "', "psycopg")
_KEYS = {"data", "errors", "extensions"}


@dataclass(frozen=True)
class Sent:
    """One request as sent: what an echo of the caller's own input is."""

    method: str
    body: dict[str, Any]
    accept: str | None

    @property
    def text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False) + str(self.body)


class Problem(AssertionError):
    """A response that breaks a rule, shown with its request."""

    def __init__(self, what: str, sent: Sent, response: httpx.Response) -> None:
        super().__init__(
            f"{what}\n{sent.method} accept={sent.accept} "
            f"{json.dumps(sent.body, ensure_ascii=False)[:3000]}\n"
            f"-> {response.status_code} {response.headers.get('content-type')} "
            f"{response.text[:3000]}"
        )


def check(
    sent: Sent,
    response: httpx.Response,
    *,
    secrets: tuple[str, ...],
    hidden_ids: tuple[str, ...],
) -> dict[str, Any]:
    """Assert the response is well-formed and discloses nothing; return its
    body. ``secrets`` must not appear unless the request carried them;
    ``hidden_ids`` (other parties' node IDs) never in ``data``."""

    def fail(what: str) -> Problem:
        return Problem(what, sent, response)

    if response.status_code >= 500:
        raise fail("a server error")
    lowered = response.text.lower()
    for word in INTERNALS:
        if word.lower() in lowered and word.lower() not in sent.text.lower():
            raise fail(f"internal detail {word!r} in the response")
    try:
        body = response.json()
    except ValueError:
        raise fail("the body is not JSON") from None
    if not isinstance(body, dict) or not body or not set(body) <= _KEYS:
        raise fail("the body is not a GraphQL response (data, errors, extensions)")
    if response.status_code == 200 and not ({"data", "errors"} & set(body)):
        raise fail("a 200 without data or errors")
    errors = body.get("errors")
    if errors is not None:
        if not isinstance(errors, list) or not errors:
            raise fail("errors is not a non-empty list")
        for error in errors:
            if not isinstance(error, dict):
                raise fail("an error that is not an object")
            code = (error.get("extensions") or {}).get("code")
            if not isinstance(error.get("message"), str) or not isinstance(code, str):
                raise fail("an error without a message or extensions.code")
    media = response.headers.get("content-type", "")
    if sent.accept == NEW:
        if not media.startswith(NEW) and response.status_code not in (406, 429):
            raise fail(f"asked for {NEW}, got {media}")
        if response.status_code == 400 and "data" in body:
            raise fail("a 400 with data")
        if body.get("data") is not None and response.status_code != 200:
            raise fail("data with a status other than 2xx")
    elif not media.startswith(JSON):
        raise fail(f"asked for {JSON}, got {media}")
    for secret in secrets:
        if secret in response.text and secret not in sent.text:
            raise fail(f"another party's {secret!r} in the response")
    data = json.dumps(body.get("data"))
    for hidden in hidden_ids:
        if hidden in data:
            raise fail(f"another party's node {hidden!r} in data")
    return body


@dataclass
class Outcomes:
    """How a run's requests ended: executed, refused by a limit, or refused
    otherwise (authentication, the gate, validation, ...)."""

    counts: Counter[str] = field(default_factory=Counter)
    #: Refusals, and executions with errors, by their error codes.
    refusals: Counter[str] = field(default_factory=Counter)
    field_errors: Counter[str] = field(default_factory=Counter)

    def add(self, body: dict[str, Any]) -> None:
        """Count one response: executed (``data`` is there, with or without
        field errors), or refused before execution (by a limit, or else)."""
        errors = body.get("errors") or []
        codes = sorted({str((e.get("extensions") or {}).get("code")) for e in errors})
        if "data" in body:
            self.counts["executed"] += 1
            if errors:
                self.field_errors[", ".join(codes)] += 1
        elif "LIMIT_EXCEEDED" in codes:
            self.counts["limit"] += 1
        else:
            self.counts["refused"] += 1
            self.refusals[", ".join(codes)] += 1

    @property
    def refused_for(self) -> set[str]:
        """Every error code a refusal (a limit's included) answered with."""
        codes = {code for key in self.refusals for code in key.split(", ")}
        return codes | ({"LIMIT_EXCEEDED"} if self.counts["limit"] else set())

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, outcome: str) -> float:
        return self.counts[outcome] / self.total if self.total else 0.0

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        refused = "; ".join(f"{k} {v}" for k, v in self.refusals.most_common())
        failed = "; ".join(f"{k} {v}" for k, v in self.field_errors.most_common())
        return (
            f"{self.total} requests: {parts}; executed "
            f"{self.share('executed'):.0%} (with errors: {failed or '-'}); "
            f"refused: {refused or '-'}"
        )
