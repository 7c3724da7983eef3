"""GraphQL over HTTP as the current draft has it: media types, status codes,
GET, operation selection, caching headers, and which code each error gets."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from tests.support import contact
from tests.support.api import Api, running_api
from tests.support.cases import link, obligor_with_cases
from tests.support.issuer import TestIssuer
from web.access_log import QueryStringFilter

NEW = "application/graphql-response+json"
HELP = "{ glossary { term } }"


async def _post(
    api: Api, body: object, accept: str | None = NEW, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {"accept": accept} if accept else {}
    if token:
        headers["authorization"] = f"Bearer {token}"
    response = await api.client.post("/graphql", json=body, headers=headers)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (NEW, NEW),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
        (f"application/json;q=0.5, {NEW}", NEW),
        (f"{NEW};q=0.2, application/json", "application/json"),
    ],
)
async def test_the_response_type_follows_accept(
    engine: AsyncEngine, issuer: TestIssuer, accept: str | None, media: str
) -> None:
    async with running_api(engine, issuer.url) as api:
        headers = {"accept": accept} if accept else {}
        response = await api.client.post(
            "/graphql", json={"query": HELP}, headers=headers
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"


async def test_an_unacceptable_accept_is_406(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        response = await api.client.post(
            "/graphql", json={"query": HELP}, headers={"accept": "text/csv"}
        )
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nothingHere }"}, "GRAPHQL_VALIDATION_FAILED"),
        # an unused variable is a validation error, not the caller's input
        (
            {"query": "query($n: String) { glossary { term } }"},
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            {"query": "query A { __typename } query B { __typename }"},
            "OPERATION_RESOLUTION_FAILURE",
        ),
        (
            {"query": "query A { __typename }", "operationName": "B"},
            "OPERATION_RESOLUTION_FAILURE",
        ),
        (
            {
                "query": "query($f: Boolean!) { glossary @include(if: $f) { term } }",
                "variables": {"f": "x"},
            },
            "BAD_USER_INPUT",
        ),
    ],
)
async def test_request_errors_are_400_without_data_or_200_for_legacy_clients(
    engine: AsyncEngine,
    issuer: TestIssuer,
    body: dict[str, Any],
    code: str,
) -> None:
    async with running_api(engine, issuer.url) as api:
        new_status, new = await _post(api, body)
        old_status, old = await _post(api, body, "application/json")
    assert (new_status, old_status) == (400, 200)
    for answer in (new, old):
        assert "data" not in answer
        assert answer["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    "body",
    [
        {"qeury": HELP},
        {"query": HELP, "variables": "{}"},
        {"query": HELP, "extensions": []},
        {"query": HELP, "operationName": 5},
    ],
)
async def test_a_malformed_request_is_400_whatever_the_client_accepts(
    engine: AsyncEngine, issuer: TestIssuer, body: dict[str, Any]
) -> None:
    async with running_api(engine, issuer.url) as api:
        for accept in (NEW, "application/json", None):
            status, answer = await _post(api, body, accept)
            assert status == 400
            assert "data" not in answer
            assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_the_named_operation_runs_among_several(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        status, body = await _post(
            api,
            {
                "query": "query A { a: __typename } query B { b: __typename }",
                "operationName": "B",
            },
        )
    assert status == 200
    assert body == {"data": {"b": "Query"}}


async def test_get_runs_queries_but_never_mutations(
    engine: AsyncEngine, issuer: TestIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, 1, payments_per_order=0)
        await link(conn, issuer.url, "parent", family.obligor_id)
    token = {"authorization": f"Bearer {issuer.mint('parent')}"}
    secret = "4111111111111111"
    async with running_api(engine, issuer.url) as api:
        with caplog.at_level(logging.DEBUG):
            ok = await api.client.get(
                "/graphql",
                params={
                    "query": "query($n: String!) { case(number: $n) { caseNumber } }",
                    "variables": f'{{"n": "{secret}"}}',
                },
                headers=token,
            )
        mutation = await api.client.get(
            "/graphql",
            params={"query": "mutation { __typename }"},
            headers=token | {"accept": NEW},
        )  # fmt: skip
        long = await api.client.get("/graphql", params={"query": "{ " + "a " * 20_000})
    assert ok.status_code == 200
    assert ok.json() == {"data": {"case": None}}
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert long.status_code == 414
    # the query string (its variables may be personal) reaches no log line of
    # the gateway (the test's own HTTP client logs what it sent)
    gateway = [
        r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    ]
    assert not [r for r in gateway if secret in r.getMessage()]


def test_access_log_lines_keep_the_path_but_not_the_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.1:5000", "GET", "/graphql?query=%7B+case%284111%29", "1.1", 200),
        None,
    )  # fmt: skip
    assert QueryStringFilter().filter(record)
    assert record.getMessage() == (
        '10.0.0.1:5000 - "GET /graphql?<24 characters> HTTP/1.1" 200'
    )


async def test_a_database_failure_is_503_even_for_public_fields(
    issuer: TestIssuer,
) -> None:
    # given a gateway whose database does not answer (nothing listens there)
    nowhere = create_engine("postgresql://postgres@127.0.0.1:9/none")
    async with running_api(nowhere, issuer.url, db_connect_timeout_seconds=1) as api:
        status, body = await _post(api, {"query": HELP}, "application/json")
    await nowhere.dispose()
    assert status == 503
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "127.0.0.1" not in str(body)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_a_browser_gets_the_ide_only_where_it_is_enabled(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url, graphiql=True) as api:
        page = await api.client.get("/graphql", headers={"accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()
    async with running_api(engine, issuer.url) as api:
        plain = await api.client.get("/graphql", headers={"accept": BROWSER})
    assert plain.status_code == 400
    assert plain.headers["content-type"].startswith("application/json")
    assert plain.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


CONTACT = """mutation($input: UpdateContactInformationInput!) {
  updateContactInformation(input: $input) { errors { code } } }"""


async def test_a_request_past_its_deadline_ends_with_timeout_and_the_pool_recovers(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given another session holding Mia's row locked
    world = await contact.build_world(engine, issuer.url)
    mia = contact.token(issuer, "mia")
    change = {"version": 1, "phone": "(512) 555-0199"}
    async with running_api(
        engine, issuer.url, request_timeout_seconds=1, db_pool_size=1, db_max_overflow=0
    ) as api:
        async with engine.connect() as holder:
            locked = await holder.begin()
            await holder.execute(
                text("SELECT 1 FROM parties WHERE id = :id FOR UPDATE"),
                {"id": world.mia},
            )
            # when her change waits on it past the request's deadline
            status, body = await _post(
                api, {"query": CONTACT, "variables": {"input": change}}, token=mia
            )
            await locked.rollback()
        # then it ends with TIMEOUT, and the only pooled connection serves on
        assert status == 504
        assert body["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert api.app.state.engine.pool.checkedout() == 0
        status, body = await _post(
            api, {"query": CONTACT, "variables": {"input": change}}, token=mia
        )
    assert status == 200
    assert body == {"data": {"updateContactInformation": {"errors": []}}}


class _Broken:
    async def authenticate(self, header: str | None) -> None:
        raise RuntimeError("a defect, with internals: /srv/secret.py line 3")


async def test_a_defect_is_500_with_its_own_code_and_no_detail(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        api.app.state.authenticator = _Broken()
        status, body = await _post(api, {"query": HELP})
    assert status == 500
    assert body == {
        "errors": [
            {
                "message": "Unexpected error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ]
    }
