"""GraphQL over HTTP conformance: graphql-http's 61 server audits, run by Node
against the gateway served on a real port (production mode, introspection on
since the audits ask ``__type``), anonymously and with a parent's token. Every
audit must pass, the MAYs and SHOULDs included, as they do for the reference
server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from settings import Mode, Settings
from tests.support import factories as f
from tests.support.api import TEST_DIGEST_KEY
from tests.support.cases import link
from tests.support.http_conformance import run_audits
from tests.support.issuer import TestIssuer
from tests.support.served_app import served

#: graphql-http 1.23.1 (tests/support/graphql_http_audit/package-lock.json).
AUDITS = 61
PARENT = "audit-parent"
#: ~61 requests at once from one address: nothing here may be rate limited.
GENEROUS = "1000/1000"


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as running:
        yield running


@pytest.fixture
async def database_url(engine: AsyncEngine, issuer: TestIssuer) -> str:
    """The test's database, with a parent linked to ``PARENT``."""
    async with engine.begin() as conn:
        parent = await f.party(conn, first_name="Audrey")
        await link(conn, issuer.url, PARENT, parent)
    return engine.url.render_as_string(hide_password=False)


def _settings(database_url: str, issuer: TestIssuer) -> Settings:
    return Settings(
        mode=Mode.PRODUCTION,
        database_url=database_url,
        oidc_issuer=issuer.url,
        digest_key=SecretStr(TEST_DIGEST_KEY),
        introspection=True,
        rate_limit_anonymous=GENEROUS,
        rate_limit_person=GENEROUS,
        rate_limit_address=GENEROUS,
    )


@pytest.mark.parametrize("caller", ["anonymous", "parent"])
def test_every_server_audit_passes(
    database_url: str, issuer: TestIssuer, caller: str
) -> None:
    # given the gateway on a real port, and a parent's token or none
    token = issuer.mint(PARENT) if caller == "parent" else None
    with served(create_app(_settings(database_url, issuer))) as base_url:
        # when graphql-http audits it
        results = run_audits(f"{base_url}/graphql", token)

    # then all of its audits ran, and every one passed
    failures = [result.describe() for result in results if result.status != "ok"]
    assert failures == [], "\n".join(failures)
    assert len(results) == AUDITS
    assert len({result.id for result in results}) == AUDITS
