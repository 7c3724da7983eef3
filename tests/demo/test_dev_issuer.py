"""The development issuer: its tokens verify through the ordinary OIDC path."""

from __future__ import annotations

import json
import stat
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.routing import Mount

from auth.authentication.oidc import OIDCVerifier
from db import models as m
from demo.dev_issuer import DevIssuer, ensure_persona_links
from demo.dev_issuer_routes import dev_issuer_routes
from demo.seed.personas import PERSONAS
from tests.support import factories

ISSUER_URL = "http://127.0.0.1:8000/dev-issuer"
AUDIENCE = "case-gateway"
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


@dataclass(frozen=True, slots=True)
class Persona:
    """A stand-in for ``demo.seed.personas.Persona`` with the fields the issuer
    reads."""

    key: str
    kind: str
    display_name: str = ""
    description: str = ""
    party_id: int | None = None
    staff_id: int | None = None
    agency_id: int | None = None


SMALL_CAST = {
    "obligor": Persona("obligor", "party", "Pat <b>Payer</b>", party_id=1),
    "caseworker": Persona("caseworker", "staff", "Casey", staff_id=1),
    "partner": Persona("partner", "agency", "Partner", agency_id=1),
}


@pytest.fixture
def dev(tmp_path: Path) -> DevIssuer:
    return DevIssuer(ISSUER_URL, AUDIENCE, tmp_path, personas=SMALL_CAST)


@pytest.fixture
async def client(dev: DevIssuer) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway's view: the issuer mounted at /dev-issuer, reached over HTTP
    semantics (ASGI transport) at the issuer's own address."""
    app = Starlette(routes=[Mount("/dev-issuer", routes=dev_issuer_routes(dev))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1:8000"
    ) as http:
        yield http


@pytest.fixture
def verifier(client: httpx.AsyncClient) -> OIDCVerifier:
    return OIDCVerifier(ISSUER_URL, AUDIENCE, client)


# -- tokens --------------------------------------------------------------------


async def test_a_minted_token_verifies_through_discovery_and_jwks(
    dev: DevIssuer, verifier: OIDCVerifier
) -> None:
    # given
    token = dev.mint_for_persona("obligor")

    # when
    verified = await verifier.verify(token)

    # then
    claims = verified.claims
    assert verified.issuer == ISSUER_URL
    assert verified.subject == "demo-obligor"
    assert claims["aud"] == AUDIENCE
    assert claims["scope"] == "openid profile cases:read cases:write"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["nbf"] <= time.time() + 1
    assert claims["jti"]
    assert "client_id" not in claims


async def test_the_partner_token_carries_its_client_and_scopes(
    dev: DevIssuer, verifier: OIDCVerifier
) -> None:
    verified = await verifier.verify(dev.mint_for_persona("partner"))

    assert verified.claims["scope"] == "case:read pii:read"
    assert verified.claims["client_id"] == "demo-partner"
    assert verified.subject == "demo-partner"


async def test_mint_takes_any_subject_scopes_ttl_and_claims(
    dev: DevIssuer, verifier: OIDCVerifier
) -> None:
    token = dev.mint("someone", scopes=["a", "b"], ttl=60, extra_claims={"x": 1})

    verified = await verifier.verify(token)

    assert (verified.subject, verified.claims["scope"]) == ("someone", "a b")
    assert verified.claims["exp"] - verified.claims["iat"] == 60
    assert verified.claims["x"] == 1


def test_an_unknown_persona_is_a_key_error(dev: DevIssuer) -> None:
    with pytest.raises(KeyError):
        dev.mint_for_persona("nobody")


# -- routes --------------------------------------------------------------------


async def test_discovery_names_the_issuer_and_its_endpoints(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/dev-issuer/.well-known/openid-configuration")

    document = response.json()
    assert document["issuer"] == ISSUER_URL
    assert document["jwks_uri"] == f"{ISSUER_URL}/jwks"
    assert document["token_endpoint"] == f"{ISSUER_URL}/token"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "client_credentials" in document["grant_types_supported"]


async def test_the_jwks_holds_the_public_key_only(
    client: httpx.AsyncClient, dev: DevIssuer
) -> None:
    response = await client.get("/dev-issuer/jwks")

    (key,) = response.json()["keys"]
    assert key["kid"] == dev.kid
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert not PRIVATE_MEMBERS & key.keys()
    assert {"n", "e"} <= key.keys()


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"persona": "obligor"}},
        {"json": {"persona": "obligor"}},
        {"data": {"grant_type": "urn:dev-issuer:persona", "persona": "obligor"}},
    ],
    ids=["form", "json", "explicit grant"],
)
async def test_post_token_for_a_persona(
    client: httpx.AsyncClient,
    verifier: OIDCVerifier,
    request_kwargs: dict[str, dict[str, str]],
) -> None:
    response = await client.post("/dev-issuer/token", **request_kwargs)  # type: ignore[arg-type]

    body = response.json()
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    verified = await verifier.verify(body["access_token"])
    assert verified.subject == "demo-obligor"


async def test_get_token_for_a_persona(
    client: httpx.AsyncClient, verifier: OIDCVerifier
) -> None:
    response = await client.get("/dev-issuer/token", params={"persona": "caseworker"})

    verified = await verifier.verify(response.json()["access_token"])
    assert verified.subject == "demo-caseworker"


@pytest.mark.parametrize("auth", ["form", "basic"])
async def test_client_credentials_for_the_partner(
    client: httpx.AsyncClient, verifier: OIDCVerifier, auth: str
) -> None:
    # when: the client id is in the form, or in HTTP Basic credentials
    form = {"grant_type": "client_credentials"}
    if auth == "form":
        form["client_id"] = "demo-partner"
        response = await client.post("/dev-issuer/token", data=form)
    else:
        basic = ("demo-partner", "anything")
        response = await client.post("/dev-issuer/token", data=form, auth=basic)

    # then
    body = response.json()
    assert body["scope"] == "case:read pii:read"
    verified = await verifier.verify(body["access_token"])
    assert verified.claims["client_id"] == "demo-partner"


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({"persona": "nobody"}, 404, "invalid_request"),
        ({}, 400, "invalid_request"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "client_id": "x"}, 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, 401, "invalid_client"),
    ],
)
async def test_bad_token_requests_are_oauth_errors(
    client: httpx.AsyncClient, params: dict[str, str], status: int, error: str
) -> None:
    response = await client.post("/dev-issuer/token", data=params)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert "access_token" not in response.json()


async def test_get_token_for_an_unknown_persona_is_404(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/dev-issuer/token?persona=nobody")

    assert response.status_code == 404


async def test_the_page_lists_personas_with_working_tokens(
    client: httpx.AsyncClient, verifier: OIDCVerifier
) -> None:
    # when
    response = await client.get("/dev-issuer/")

    # then: every persona, names escaped, no external scripts, a strict policy
    page = response.text
    assert response.status_code == 200
    for key in SMALL_CAST:
        assert f"<strong>{key}</strong>" in page
    assert "Pat &lt;b&gt;Payer&lt;/b&gt;" in page
    assert "<script src" not in page
    assert "default-src 'none'" in response.headers["content-security-policy"]
    # and: the GraphiQL links carry a token that verifies
    start = page.index('href="/graphql?headers=') + len('href="/graphql?headers=')
    link = page[start : page.index('"', start)]
    headers = json.loads(httpx.URL(f"/?headers={link}").params["headers"])
    verified = await verifier.verify(headers["Authorization"].removeprefix("Bearer "))
    assert verified.subject.startswith("demo-")


# -- the signing key -----------------------------------------------------------


def test_the_key_persists_across_instances(tmp_path: Path) -> None:
    # given
    first = DevIssuer(ISSUER_URL, AUDIENCE, tmp_path, personas=SMALL_CAST)
    kid = first.kid

    # when
    second = DevIssuer(ISSUER_URL, AUDIENCE, tmp_path, personas=SMALL_CAST)

    # then: same key, in a file only its owner can read
    assert second.kid == kid
    assert second.jwks() == first.jwks()
    path = tmp_path / "dev-issuer" / "signing-key.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["kid"] == kid


def test_the_key_is_created_only_on_first_use(tmp_path: Path) -> None:
    DevIssuer(ISSUER_URL, AUDIENCE, tmp_path, personas=SMALL_CAST)

    assert not (tmp_path / "dev-issuer").exists()


async def test_a_token_from_one_instance_verifies_against_the_next(
    tmp_path: Path, dev: DevIssuer, verifier: OIDCVerifier
) -> None:
    # given: a token minted before a "restart"
    token = DevIssuer(ISSUER_URL, AUDIENCE, tmp_path, personas=SMALL_CAST).mint(
        "s", scopes=[]
    )

    # when / then: the served instance (same folder) verifies it
    assert (await verifier.verify(token)).subject == "s"


# -- identity links ------------------------------------------------------------


async def links(engine: AsyncEngine) -> set[tuple[object, ...]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(
                m.IdentityLink.issuer,
                m.IdentityLink.subject,
                m.IdentityLink.party_id,
                m.IdentityLink.staff_id,
                m.IdentityLink.agency_id,
            )
        )
        return {tuple(row) for row in rows}


async def test_ensure_persona_links_inserts_then_updates(engine: AsyncEngine) -> None:
    # given: rows for a small cast
    async with engine.begin() as conn:
        office = await factories.agency(conn)
        partner = await factories.agency(conn, kind="partner_state_agency")
        worker = await factories.staff(conn, office)
        parent, other_parent = await factories.party(conn), await factories.party(conn)
    cast = {
        "obligor": Persona("obligor", "party", party_id=parent),
        "caseworker": Persona("caseworker", "staff", staff_id=worker),
        "partner": Persona("partner", "agency", agency_id=partner),
    }

    # when: linked, then linked again with the obligor moved to another party
    await ensure_persona_links(engine, ISSUER_URL, cast)
    first = await links(engine)
    cast["obligor"] = replace(cast["obligor"], party_id=other_parent)
    await ensure_persona_links(engine, ISSUER_URL, cast)

    # then
    assert first == {
        (ISSUER_URL, "demo-obligor", parent, None, None),
        (ISSUER_URL, "demo-caseworker", None, worker, None),
        (ISSUER_URL, "demo-partner", None, None, partner),
    }
    assert await links(engine) == {
        (ISSUER_URL, "demo-obligor", other_parent, None, None),
        (ISSUER_URL, "demo-caseworker", None, worker, None),
        (ISSUER_URL, "demo-partner", None, None, partner),
    }


async def test_ensure_persona_links_adds_links_for_another_address(
    engine: AsyncEngine,
) -> None:
    # given
    async with engine.begin() as conn:
        parent = await factories.party(conn)
    cast = {"obligor": Persona("obligor", "party", party_id=parent)}
    await ensure_persona_links(engine, ISSUER_URL, cast)

    # when: the gateway now runs on another port
    await ensure_persona_links(engine, "http://127.0.0.1:9000/dev-issuer/", cast)

    # then
    assert {link[:2] for link in await links(engine)} == {
        (ISSUER_URL, "demo-obligor"),
        ("http://127.0.0.1:9000/dev-issuer", "demo-obligor"),
    }


async def test_ensure_persona_links_defaults_to_the_seed_personas(
    engine: AsyncEngine,
) -> None:
    # given: the rows the seed personas stand for
    async with engine.begin() as conn:
        agency_ids = {p.agency_id for p in PERSONAS.values() if p.agency_id} | {1}
        for agency_id in sorted(agency_ids):
            await factories.agency(conn, id=agency_id)
        for persona in PERSONAS.values():
            if persona.staff_id:
                await factories.staff(conn, 1, id=persona.staff_id)
            if persona.party_id:
                await factories.party(conn, id=persona.party_id)

    # when
    await ensure_persona_links(engine, ISSUER_URL)

    # then
    assert {link[1] for link in await links(engine)} == {
        f"demo-{key}" for key in PERSONAS
    }


def test_the_seed_personas_fit_the_issuer(tmp_path: Path) -> None:
    # given: the real personas
    dev = DevIssuer(ISSUER_URL, AUDIENCE, tmp_path)

    # then: every persona gets a token, and exactly one agency is a client
    for key in PERSONAS:
        assert dev.mint_for_persona(key)
    assert dev.persona_for_client("demo-partner") == "partner"
