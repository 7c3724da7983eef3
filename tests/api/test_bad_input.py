"""Bad input gets a clear error in the GraphQL format with a stable code, and
nothing internal reaches the client."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import ids
from tests.support import factories as f
from tests.support.api import Api, running_api
from tests.support.cases import link, obligor_with_cases
from tests.support.issuer import TestIssuer

CASE = "query($n: String!) { case(number: $n) { caseNumber } }"
CASES = "query($f: Int) { viewer { cases(first: $f) { nodes { caseNumber } } } }"
PAYMENTS = """query($n: String!, $from: Date) { case(number: $n) {
  orders { payments(from: $from) { nodes { amount } } } } }"""


async def _codes(api: Api, query: str, token: str, **variables: Any) -> list[str]:
    response = await api.post(query, token, **variables)
    assert response.status_code == 200, response.text
    assert "Traceback" not in response.text
    assert "SELECT" not in response.text
    return [e["extensions"]["code"] for e in response.json()["errors"]]


async def test_variables_of_the_wrong_type_are_bad_user_input(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, 1, payments_per_order=1)
        await link(conn, issuer.url, "me", family.obligor_id)
    token = issuer.mint("me")
    number = family.case_numbers[0]
    async with running_api(engine, issuer.url) as api:
        assert await _codes(api, CASE, token, n=5) == ["BAD_USER_INPUT"]
        assert await _codes(api, CASES, token, f=2**40) == ["BAD_USER_INPUT"]
        assert await _codes(api, PAYMENTS, token, n=number, **{"from": "x"}) == [
            "BAD_USER_INPUT"
        ]
        assert await _codes(api, CASES, token, f=-1) == ["BAD_USER_INPUT"]
        # an ID with non-ASCII digits is simply no object
        odd = "Q2FzZTrCsg"  # "Case:²"
        assert await api.query(
            "query($i: ID!) { node(id: $i) { id } }", token, i=odd
        ) == {"node": None}


@pytest.mark.parametrize(
    "accept", ["application/graphql-response+json", "application/json"]
)
async def test_a_body_that_is_not_a_json_object_is_a_request_error(
    engine: AsyncEngine, issuer: TestIssuer, accept: str
) -> None:
    async with running_api(engine, issuer.url) as api:
        for body in (b'"a string"', b"null", b"[1]", b'{"query": 5}', b"{"):
            response = await api.client.post(
                "/graphql",
                content=body,
                headers={"content-type": "application/json", "accept": accept},
            )
            assert response.status_code == 400, body
            assert response.headers["content-type"].startswith(accept)
            answer = response.json()
            assert "data" not in answer
            assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_http_level_refusals_keep_the_format(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        big = await api.client.post(
            "/graphql",
            content=b'{"query": "' + b" " * 20_000 + b'{ faq { question } }"}',
            headers={"content-type": "application/json"},
        )
        assert big.status_code == 413
        assert big.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        put = await api.client.put("/graphql", json={"query": "{ faq { question } }"})
        assert put.status_code == 405
        assert put.headers["allow"] == "GET, POST"
        assert put.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_production_does_not_suggest_field_names(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given production settings (introspection off)
    async with running_api(engine, issuer.url) as api:
        body = (await api.post("{ viewr { firstName } }")).json()
    # then the error names the unknown field but suggests nothing
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" not in body["errors"][0]["message"]


async def test_a_hidden_object_costs_the_same_statements_as_a_missing_one(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        mine = await obligor_with_cases(conn, 1, payments_per_order=0)
        theirs = await obligor_with_cases(conn, 1, payments_per_order=1)
        await link(conn, issuer.url, "me", mine.obligor_id)
    token = issuer.mint("me")
    node = "query($i: ID!) { node(id: $i) { id } }"
    async with running_api(engine, issuer.url) as api:

        async def statements(query: str, **variables: Any) -> int:
            api.counter.reset()
            await api.query(query, token, **variables)
            return api.counter.count

        # the caller's principal is remembered from then on
        await api.query("{ viewer { id } }", token)
        assert await statements(CASE, n=theirs.case_numbers[0]) == await statements(
            CASE, n="0000000009"
        )
        for type_name, pk in (
            ("Order", theirs.order_ids[0]),
            ("Case", theirs.case_ids[0]),
        ):
            assert await statements(
                node, i=ids.encode(type_name, pk)
            ) == await statements(node, i=ids.encode(type_name, 10**12))


FILTERED = """
query($filter: CaseFilter) { cases(filter: $filter) { nodes { caseNumber } } }
"""


@pytest.mark.parametrize(
    "case_filter",
    [
        {"participantName": "Ro\u0000sa"},
        {"county": "Tra\u0000vis"},
        {"updatedSince": "0001-01-01T00:00:00+14:00"},
        {"updatedSince": "9999-12-31T23:59:59-14:00"},
        {"updatedSince": "2026-01-01T00:00:00"},
        {"caseNumber": "12345"},
        {"participantName": "x"},
    ],
    ids=["NUL in a name", "NUL in a county", "before year 1", "after 9999",
         "no offset", "short case number", "one letter"],
)  # fmt: skip
async def test_a_case_filter_that_cannot_be_met_is_bad_user_input(
    engine: AsyncEngine, issuer: TestIssuer, case_filter: dict[str, str]
) -> None:
    async with engine.begin() as conn:
        party = await f.party(conn)
        await link(conn, issuer.url, "parent", party)
    async with running_api(engine, issuer.url) as api:
        response = await api.post(FILTERED, issuer.mint("parent"), filter=case_filter)
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert body["data"] is None
