"""The README's first command, as a newcomer runs it, on a fresh data folder."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.gateway_process import mint_token, running_gateway

pytestmark = pytest.mark.subprocess

GLOSSARY = "{ glossary { term } }"
VIEWER = "{ viewer { firstName lastName cases { nodes { caseNumber myRole } } } }"


def _glossary(base_url: str) -> list[str]:
    response = httpx.post(f"{base_url}/graphql", json={"query": GLOSSARY}, timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return [t["term"] for t in body["data"]["glossary"]]


def test_first_start_seeds_and_second_start_reuses(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    # given a fresh data folder, when the gateway starts for the first time
    with running_gateway(data_dir, tmp_path / "first.log") as first:
        first_terms = _glossary(first.base_url)
        first_log = first.log()
    # then it created, migrated and seeded its own PostgreSQL and answers,
    # and stopped that PostgreSQL when it stopped
    assert (data_dir / "pg" / "PG_VERSION").exists()
    assert first.left_postgres_running is False
    assert "seeding demo data" in first_log
    assert len(first_terms) >= 20
    assert first_terms == sorted(first_terms)

    # when it starts a second time on the same folder, and a persona logs in
    # with a token from the development issuer (the CLI mints it offline)
    with running_gateway(data_dir, tmp_path / "second.log") as gateway:
        second_terms = _glossary(gateway.base_url)
        token = mint_token(data_dir, gateway, "obligor")
        viewer = httpx.post(
            f"{gateway.base_url}/graphql",
            json={"query": VIEWER},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        anonymous = httpx.post(
            f"{gateway.base_url}/graphql", json={"query": VIEWER}, timeout=10
        )
        second_log = gateway.log()
    # then it reuses the data without seeding again
    assert "seeding demo data" not in second_log
    assert gateway.left_postgres_running is False
    assert second_terms == first_terms
    # and the gateway validated the token through its issuer's discovery + JWKS
    assert viewer.status_code == 200, viewer.text
    assert viewer.json() == {
        "data": {
            "viewer": {
                "firstName": "Marcus",
                "lastName": "Reyes",
                "cases": {
                    "nodes": [
                        {"caseNumber": "4100000001", "myRole": "OBLIGOR"},
                        {"caseNumber": "4100000002", "myRole": "OBLIGOR"},
                    ]
                },
            }
        }
    }
    assert "/dev-issuer/.well-known/openid-configuration" in second_log
    assert "/dev-issuer/jwks" in second_log
    assert anonymous.status_code == 401
