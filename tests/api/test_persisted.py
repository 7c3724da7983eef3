"""Automatic persisted queries (shared by every process, bounded) and trusted
documents (the apps' manifest only, checked before parsing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from documents.persisted import sha256_of
from documents.trusted import ManifestError, build
from manage import main as manage
from schema.build import build_schema
from tests.support import roles as r
from tests.support.api import Api, running_api
from tests.support.cases import link, obligor_with_cases
from tests.support.issuer import TestIssuer

HELP = "{ glossary { term } }"


def _apq(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def _send(api: Api, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await api.client.post("/graphql", json=body, headers=headers)
    return response.json()


def _code(answer: dict[str, Any]) -> str:
    return str(answer["errors"][0]["extensions"]["code"])


async def _stored(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        count = await conn.scalar(select(func.count(m.PersistedDocument.sha256)))
    assert isinstance(count, int)
    return count


async def test_a_hash_is_unknown_until_registered_then_shared_by_processes(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    digest = sha256_of(HELP)
    async with (
        running_api(engine, issuer.url) as one,
        running_api(engine, issuer.url) as other,
    ):
        first = await _send(one, {"extensions": _apq(digest)})
        assert _code(first) == "PERSISTED_QUERY_NOT_FOUND"
        assert first["errors"][0]["message"] == "PersistedQueryNotFound"
        # the client sends the document with its hash: it runs and is kept
        registered = await _send(one, {"query": HELP, "extensions": _apq(digest)})
        assert registered == {"data": {"glossary": []}}
        # another process finds it by hash alone, and so does a GET
        assert await _send(other, {"extensions": _apq(digest)}) == registered
        get = await other.client.get(
            "/graphql", params={"extensions": json.dumps(_apq(digest))}
        )
        assert get.json() == registered
    assert await _stored(engine) == 1


async def test_a_hash_that_does_not_match_or_a_bad_document_is_not_kept(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url) as api:
        wrong = await _send(api, {"query": HELP, "extensions": _apq("0" * 64)})
        assert _code(wrong) == "BAD_REQUEST"
        invalid = "{ nothingHere }"
        refused = await _send(
            api, {"query": invalid, "extensions": _apq(sha256_of(invalid))}
        )
        assert _code(refused) == "GRAPHQL_VALIDATION_FAILED"
        malformed = await _send(api, {"extensions": {"persistedQuery": {"v": 1}}})
        assert _code(malformed) == "BAD_REQUEST"
    assert await _stored(engine) == 0


async def test_the_store_keeps_the_most_recently_used_within_its_bound(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    documents = [f"{{ t{n}: glossary {{ term }} }}" for n in range(5)]
    async with running_api(
        engine, issuer.url, persisted_queries_max_documents=3
    ) as api:
        for document in documents:
            answer = await _send(
                api, {"query": document, "extensions": _apq(sha256_of(document))}
            )
            assert "errors" not in answer
    async with engine.connect() as conn:
        kept = set(await conn.scalars(select(m.PersistedDocument.document)))
    assert len(kept) == 3
    assert kept == set(documents[2:])


async def test_persisted_queries_can_be_turned_off(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with running_api(engine, issuer.url, persisted_queries=False) as api:
        answer = await _send(api, {"query": HELP, "extensions": _apq(sha256_of(HELP))})
    assert _code(answer) == "PERSISTED_QUERY_NOT_SUPPORTED"


APP_DOCUMENTS = """
query MyCases { viewer { cases { nodes { ...CaseRow } } } }
query Help { glossary { term definition } }
fragment CaseRow on Case { caseNumber myRole }
"""


async def test_trusted_documents_admit_the_manifest_only(
    engine: AsyncEngine, issuer: TestIssuer, tmp_path: Path
) -> None:
    # given a manifest built from the app's documents by the command
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "cases.graphql").write_text(APP_DOCUMENTS)
    manifest_path = tmp_path / "manifest.json"
    manage(["build-manifest", str(tmp_path / "app"), "--out", str(manifest_path)])
    manifest = json.loads(manifest_path.read_text())
    by_name = {op["name"]: op for op in manifest["operations"]}
    assert set(by_name) == {"MyCases", "Help"}
    assert "fragment CaseRow" in by_name["MyCases"]["body"]
    assert "fragment" not in by_name["Help"]["body"]
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, 1, payments_per_order=0)
        await link(conn, issuer.url, "parent", family.obligor_id)
        agency = await r.partner(conn, code="OK-CSS")
        await r.link_agency(conn, issuer.url, "OK-CSS", agency)
    parent = issuer.mint("parent")
    partner = r.partner_token(issuer, "OK-CSS")
    my_cases = by_name["MyCases"]
    async with running_api(
        engine, issuer.url, trusted_documents_manifest=manifest_path
    ) as api:
        # by hash, or by the exact text, the app's operations run
        by_hash = await _send(api, {"extensions": _apq(my_cases["id"])}, parent)
        assert by_hash["data"]["viewer"]["cases"]["nodes"][0]["myRole"] == "OBLIGOR"
        by_text = await _send(api, {"query": my_cases["body"]}, parent)
        assert by_text == by_hash
        # anything else is refused before it is parsed, even valid documents
        api.counter.reset()
        other = await _send(api, {"query": "{ viewer { firstName } }"}, parent)
        assert _code(other) == "PERSISTED_QUERY_NOT_IN_LIST"
        garbage = await _send(api, {"query": "{" * 10}, parent)
        assert _code(garbage) == "PERSISTED_QUERY_NOT_IN_LIST"
        anonymous = await _send(api, {"query": HELP})
        assert _code(anonymous) == "PERSISTED_QUERY_NOT_IN_LIST"
        # the login lookups are all that ran
        assert all("identity_links" in s for s in api.counter.statements)
        # partner agencies are not held to the apps' documents
        assert await _send(api, {"query": HELP}, partner) == {"data": {"glossary": []}}
    assert manifest["format"] == "apollo-persisted-query-manifest"


def test_a_manifest_refuses_documents_that_do_not_validate() -> None:
    schema = build_schema()._schema
    with pytest.raises(ManifestError, match="Bad"):
        build(schema, [("bad.graphql", "query Bad { nothingHere }")])


async def test_the_gateway_refuses_to_start_with_a_forged_manifest(
    engine: AsyncEngine, issuer: TestIssuer, tmp_path: Path
) -> None:
    forged = tmp_path / "manifest.json"
    forged.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": "0" * 64, "name": "X", "type": "query", "body": HELP}
                ],
            }
        )
    )
    with pytest.raises(ManifestError, match="hash"):
        async with running_api(engine, issuer.url, trusted_documents_manifest=forged):
            pass
