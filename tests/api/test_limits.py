"""The denial-of-service documents of the hardening review, each refused with
a stable code before anything runs: no SQL statement, no pooled connection,
no resolver. Sizes are those of the review."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.api import Api, running_api
from tests.support.cases import link, obligor_with_cases
from tests.support.issuer import TestIssuer

GRAPHQL_RESPONSE = "application/graphql-response+json"


def _aliases(count: int, field: str = "glossary { term }") -> str:
    return "{ " + " ".join(f"a{n}: {field}" for n in range(count)) + " }"


async def _refusal(
    api: Api, query: str, token: str | None = None, **variables: Any
) -> httpx.Response:
    """POST as a client asking for the current media type; no statement ran
    but the login's lookup (which decides the caller's limits; none when a
    parent's principal is remembered for the token), and no connection is
    held."""
    api.counter.reset()
    headers = {"accept": GRAPHQL_RESPONSE}
    if token:
        headers["authorization"] = f"Bearer {token}"
    response = await api.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    looked_up = [s for s in api.counter.statements if "identity_links" in s]
    assert api.counter.count == len(looked_up) <= (1 if token else 0)
    assert api.app.state.engine.pool.checkedout() == 0
    assert "data" not in response.json()
    return response


def _code(response: httpx.Response) -> tuple[str, str | None]:
    extensions = response.json()["errors"][0]["extensions"]
    return extensions["code"], extensions.get("limit")


async def _parent(engine: AsyncEngine, issuer: TestIssuer) -> tuple[str, str]:
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, 1, payments_per_order=3)
        await link(conn, issuer.url, "parent", family.obligor_id)
    return issuer.mint("parent"), family.case_numbers[0]


async def test_anonymous_alias_floods_are_refused_by_size(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        # 40,000 aliases of glossary (869 KB) and 3,000 (62 KB), no token
        for count in (40_000, 3_000):
            response = await _refusal(api, _aliases(count))
            assert response.status_code == 413
            assert _code(response) == ("PAYLOAD_TOO_LARGE", None)
        # small enough to be read, still too many aliases for anyone anonymous
        response = await _refusal(api, _aliases(6))
        assert response.status_code == 400
        assert _code(response) == ("LIMIT_EXCEEDED", "max_aliases")
        # what the Help page asks passes
        answer = await api.post("{ glossary { term } faq { question } }")
        assert answer.status_code == 200
        assert "errors" not in answer.json()


async def test_unknown_root_fields_operations_and_fragments_are_refused_unparsed(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    token, _ = await _parent(engine, issuer)
    async with running_api(engine, issuer.url) as api:
        # 40,000 unknown root fields (269 KB), anonymous and as a parent
        flood = "{ " + " ".join(f"f{n}" for n in range(40_000)) + " }"
        for caller in (None, token):
            response = await _refusal(api, flood, caller)
            assert response.status_code == 413
        # within the body size, the lexer stops at the token limit
        many = "{ " + " ".join(f"f{n}" for n in range(4_500)) + " }"
        assert _code(await _refusal(api, many, token)) == (
            "LIMIT_EXCEEDED",
            "max_tokens",
        )
        operations = " ".join(f"query Q{n} {{ __typename }}" for n in range(11))
        assert _code(await _refusal(api, operations, token)) == (
            "LIMIT_EXCEEDED",
            "max_operations",
        )
        fragments = "{ __typename } " + " ".join(
            f"fragment F{n} on Query {{ __typename }}" for n in range(51)
        )
        assert _code(await _refusal(api, fragments, token)) == (
            "LIMIT_EXCEEDED",
            "max_fragments",
        )
        directives = "{ " + "__typename @include(if: true) " * 31 + "}"
        assert _code(await _refusal(api, directives, token)) == (
            "LIMIT_EXCEEDED",
            "max_directives",
        )
        roots = _aliases(21, "__typename")
        assert _code(await _refusal(api, roots, token)) == (
            "LIMIT_EXCEEDED",
            "max_root_fields",
        )


async def test_deep_documents_and_variables_are_refused(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    token, _ = await _parent(engine, issuer)
    async with running_api(engine, issuer.url) as api:
        deep = "{ " + "a { " * 16 + "b" + " }" * 16 + " }"
        assert _code(await _refusal(api, deep, token)) == (
            "LIMIT_EXCEEDED",
            "max_depth",
        )
        # brackets nested past any sensible input (the parser never sees them)
        brackets = "{ viewer(x: " + "[" * 500 + "]" * 500 + ") { firstName } }"
        assert _code(await _refusal(api, brackets, token)) == (
            "LIMIT_EXCEEDED",
            "max_depth",
        )
        nested: Any = "x"
        for _ in range(200):
            nested = [nested]
        query = "query($n: String!) { case(number: $n) { caseNumber } }"
        response = await _refusal(api, query, token, n=nested)
        assert _code(response) == ("LIMIT_EXCEEDED", "max_depth")


async def test_aliased_pages_with_different_arguments_add_up_in_the_cost(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    token, number = await _parent(engine, issuer)

    def payments(aliases: int) -> str:
        fields = " ".join(
            f'p{n}: payments(first: 100, from: "2020-01-{n % 28 + 1:02d}") '
            "{ nodes { amount collectedOn source allocations { bucket amount } } }"
            for n in range(aliases)
        )
        return f'{{ case(number: "{number}") {{ orders {{ {fields} }} }} }}'

    async with running_api(engine, issuer.url) as api:
        # 600 aliases (72 KB): larger than a parent may send
        assert (await _refusal(api, payments(600), token)).status_code == 413
        # 30 aliases: within every shape limit, over the cost budget
        costly = await _refusal(api, payments(30), token)
        extensions = costly.json()["errors"][0]["extensions"]
        assert extensions["code"] == "LIMIT_EXCEEDED"
        assert extensions["limit"] == "max_cost"
        assert extensions["allowed"] == 100_000
        # ten such pages are within the budget, and run
        ten = await api.post(payments(10), token)
        assert ten.status_code == 200
        assert "errors" not in ten.json(), ten.text


async def test_anonymous_callers_asking_for_more_than_help_get_401_not_a_limit(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        response = await _refusal(
            api, "{ viewer { cases { nodes { caseNumber orders { orderNumber } } } } }"
        )
    assert response.status_code == 401
    assert _code(response) == ("UNAUTHENTICATED", None)
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/x-application/json",
        "application/jsonx",
        "text/plain",
        "application/json; charset=latin-1",
    ],
)
async def test_only_json_bodies_are_read(
    engine: AsyncEngine, issuer: TestIssuer, content_type: str
) -> None:
    nested = "[" * 5000 + "]" * 5000
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested + "}}"
    async with running_api(engine, issuer.url) as api:
        response = await api.client.post(
            "/graphql", content=body.encode(), headers={"content-type": content_type}
        )
    assert response.status_code == 415
    assert _code(response) == ("UNSUPPORTED_MEDIA_TYPE", None)
