"""The fuzz runs' checks catch what they are there for (a check that cannot
fail would make every run pass)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fuzz.checks import JSON, NEW, Outcomes, Problem, Sent, check

SECRETS = ("Quillfeather",)
HIDDEN = ("Q2FzZToy",)


def _response(
    status: int, body: Any, media: str = JSON, *, raw: bytes | None = None
) -> httpx.Response:
    return httpx.Response(
        status,
        content=raw if raw is not None else httpx.Response(200, json=body).content,
        headers={"content-type": f"{media}; charset=utf-8"},
    )


def _check(response: httpx.Response, accept: str | None = NEW, **body: Any) -> None:
    sent = Sent("POST", {"query": "{ viewer { firstName } }"} | body, accept)
    check(sent, response, secrets=SECRETS, hidden_ids=HIDDEN)


def test_a_good_response_passes() -> None:
    _check(_response(200, {"data": {"viewer": {"firstName": "Alma"}}}, NEW))
    _check(
        _response(200, {"errors": [{"message": "x", "extensions": {"code": "C"}}]}),
        JSON,
    )


@pytest.mark.parametrize(
    ("response", "accept", "why"),
    [
        (_response(500, {"errors": [{"message": "x"}]}, NEW), NEW, "server error"),
        (
            _response(200, {"errors": [{"message": "Traceback (most recent"}]}, NEW),
            NEW,
            "internal detail",
        ),
        (_response(200, None, NEW, raw=b"<html>"), NEW, "not JSON"),
        (_response(200, {"data": {}, "debug": 1}, NEW), NEW, "not a GraphQL"),
        (_response(200, {"extensions": {}}, NEW), NEW, "without data or errors"),
        (_response(200, {"errors": [{"message": "x"}]}, NEW), NEW, "extensions.code"),
        (_response(400, {"data": None, "errors": []}, NEW), NEW, "errors is not"),
        (
            _response(
                400,
                {
                    "data": None,
                    "errors": [{"message": "x", "extensions": {"code": "C"}}],
                },
                NEW,
            ),
            NEW,
            "a 400 with data",
        ),
        (_response(401, {"data": {"a": 1}}, NEW), NEW, "other than 2xx"),
        (_response(200, {"data": {"a": 1}}, JSON), NEW, "asked for"),
        (_response(200, {"data": {"a": 1}}, NEW), JSON, "asked for"),
        (
            _response(200, {"data": {"viewer": {"lastName": "Quillfeather"}}}, NEW),
            NEW,
            "another party's 'Quillfeather'",
        ),
        (
            _response(200, {"data": {"node": {"id": "Q2FzZToy"}}}, NEW),
            NEW,
            "another party's node",
        ),
    ],
)
def test_a_bad_response_fails(response: httpx.Response, accept: str, why: str) -> None:
    with pytest.raises(Problem, match=why):
        _check(response, accept)


def test_an_echo_of_the_request_is_no_leak() -> None:
    answer = {"errors": [{"message": "No Quillfeather.", "extensions": {"code": "C"}}]}
    _check(_response(200, answer, NEW), NEW, variables={"name": "Quillfeather"})


def test_outcomes_tell_execution_from_refusal() -> None:
    outcomes = Outcomes()
    outcomes.add({"data": {"a": 1}})
    outcomes.add({"data": None, "errors": [{"extensions": {"code": "BAD_USER_INPUT"}}]})
    outcomes.add({"errors": [{"extensions": {"code": "LIMIT_EXCEEDED"}}]})
    outcomes.add({"errors": [{"extensions": {"code": "UNAUTHENTICATED"}}]})
    assert outcomes.counts == {"executed": 2, "limit": 1, "refused": 1}
    assert outcomes.refused_for == {"LIMIT_EXCEEDED", "UNAUTHENTICATED"}
    assert outcomes.share("executed") == 0.5
