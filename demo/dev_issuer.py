"""The development issuer: a real OIDC issuer for the demo personas.

Mounted under ``/dev-issuer`` in demo mode only (see ``demo.dev_issuer_routes``).
It signs RS256 tokens with a key generated on first use and kept in
``<data_dir>/dev-issuer/signing-key.json``; the gateway checks its tokens through
the same discovery + JWKS path as any other issuer's.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import IdentityLink

ALGORITHM = "RS256"
DEFAULT_TTL_SECONDS = 3600
PARTY_SCOPES = ("openid", "profile", "cases:read", "cases:write")
STAFF_SCOPES = ("openid", "profile", "cases:read", "cases:write")
PARTNER_SCOPES = ("case:read", "pii:read")
_SCOPES_BY_KIND = {
    "party": PARTY_SCOPES,
    "staff": STAFF_SCOPES,
    "agency": PARTNER_SCOPES,
}


class Persona(Protocol):
    """What the issuer needs of a demo persona (``demo.seed.personas.Persona``):
    its key, kind and row, exactly one of the three ids being set.

    Optional attributes are honoured when present: ``subject`` (default
    ``demo-<key>``), ``client_id`` for agencies (default: the subject), ``scopes``,
    ``display_name`` and ``description`` (shown on the page).
    """

    @property
    def key(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def party_id(self) -> int | None: ...

    @property
    def staff_id(self) -> int | None: ...

    @property
    def agency_id(self) -> int | None: ...


def persona_subject(persona: Persona) -> str:
    """The persona's stable ``sub``, e.g. ``demo-obligor``."""
    subject = getattr(persona, "subject", None)
    return subject if isinstance(subject, str) and subject else f"demo-{persona.key}"


def persona_client_id(persona: Persona) -> str | None:
    """The OAuth client id of an agency persona (its subject unless it says
    otherwise); ``None`` for people."""
    if str(persona.kind) != "agency":
        return None
    client_id = getattr(persona, "client_id", None)
    return client_id if isinstance(client_id, str) else persona_subject(persona)


def persona_scopes(persona: Persona) -> tuple[str, ...]:
    """The scopes a persona's tokens carry."""
    scopes = getattr(persona, "scopes", None)
    if scopes:
        return tuple(scopes)
    return _SCOPES_BY_KIND.get(str(persona.kind), PARTY_SCOPES)


def _default_personas() -> Mapping[str, Persona]:
    # Imported late: the seed package is heavy and only demo mode needs it.
    from demo.seed.personas import PERSONAS

    return PERSONAS


class DevIssuer:
    """Mints tokens for the demo personas and publishes its key.

    ``issuer_url`` is the issuer identifier (``settings.dev_issuer_url``) and the
    base of every URL in the discovery document; ``data_dir`` is where the signing
    key lives (``settings.data_dir``); ``personas`` defaults to
    ``demo.seed.personas.PERSONAS``.
    """

    def __init__(
        self,
        issuer_url: str,
        audience: str,
        data_dir: Path,
        *,
        personas: Mapping[str, Persona] | None = None,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        graphql_path: str = "/graphql",
    ) -> None:
        self.issuer_url = issuer_url.rstrip("/")
        self.audience = audience
        self.key_path = data_dir / "dev-issuer" / "signing-key.json"
        self.ttl_seconds = ttl_seconds
        self.graphql_path = graphql_path
        self._personas = personas
        self._key: RSAKey | None = None

    @property
    def personas(self) -> Mapping[str, Persona]:
        """The personas tokens can be minted for, by key."""
        if self._personas is None:
            self._personas = _default_personas()
        return self._personas

    @property
    def signing_key(self) -> RSAKey:
        """The private signing key, loaded or generated (and saved) on first use."""
        if self._key is None:
            self._key = load_or_create_key(self.key_path)
        return self._key

    @property
    def kid(self) -> str:
        """The signing key's id."""
        kid = self.signing_key.kid
        assert kid is not None  # load_or_create_key ensures one
        return kid

    def jwks(self) -> dict[str, Any]:
        """The public key set: no private member ever leaves."""
        public = self.signing_key.as_dict(private=False)
        return {"keys": [public | {"use": "sig", "alg": ALGORITHM}]}

    def discovery(self) -> dict[str, Any]:
        """The OpenID Provider metadata served at ``/.well-known/...``."""
        base = self.issuer_url
        return {
            "issuer": base,
            "jwks_uri": f"{base}/jwks",
            "token_endpoint": f"{base}/token",
            "response_types_supported": ["token"],
            "grant_types_supported": ["client_credentials", "urn:dev-issuer:persona"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "token_endpoint_auth_methods_supported": [
                "none",
                "client_secret_post",
                "client_secret_basic",
            ],
            "scopes_supported": sorted({*PARTY_SCOPES, *STAFF_SCOPES, *PARTNER_SCOPES}),
            "claims_supported": [
                "iss",
                "sub",
                "aud",
                "exp",
                "iat",
                "nbf",
                "jti",
                "scope",
                "client_id",
            ],
            "service_documentation": f"{base}/",
        }

    def mint(
        self,
        subject: str,
        *,
        scopes: Iterable[str],
        ttl: int | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed access token for ``subject``; ``extra_claims`` are added last
        (and may override the registered claims, for tests)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer_url,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + (self.ttl_seconds if ttl is None else ttl),
            "jti": uuid.uuid4().hex,
            "scope": " ".join(scopes),
        }
        claims.update(extra_claims or {})
        header = {"typ": "at+jwt", "alg": ALGORITHM, "kid": self.kid}
        return jwt.encode(header, claims, self.signing_key, algorithms=[ALGORITHM])

    def mint_for_persona(self, key: str) -> str:
        """A token for the persona ``key``; ``KeyError`` if there is none."""
        persona = self.personas[key]
        client_id = persona_client_id(persona)
        extra = {"client_id": client_id} if client_id else None
        return self.mint(
            persona_subject(persona), scopes=persona_scopes(persona), extra_claims=extra
        )

    def persona_for_client(self, client_id: str) -> str:
        """The key of the agency persona whose client id is ``client_id``;
        ``KeyError`` if none."""
        for key, persona in self.personas.items():
            if persona_client_id(persona) == client_id:
                return key
        raise KeyError(client_id)


def load_or_create_key(path: Path) -> RSAKey:
    """The RS256 key saved at ``path``, or a new one saved there (mode 0600).

    The file is written under a temporary name and linked into place, so two
    processes starting together agree on one key instead of overwriting.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = RSAKey.generate_key(
            2048, parameters={"alg": ALGORITHM, "use": "sig"}, auto_kid=True
        )
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(key.as_dict(private=True), file)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process saved its key first: use that one
        finally:
            temporary.unlink()
    key = RSAKey.import_key(json.loads(path.read_text()))
    if not key.is_private or not key.kid:
        raise ValueError(f"{path} does not hold a private RSA key with a kid")
    return key


async def ensure_persona_links(
    engine: AsyncEngine,
    issuer_url: str,
    personas: Mapping[str, Persona] | None = None,
) -> None:
    """Link every persona's (issuer, subject) to its party, staff or agency row,
    inserting or updating in one statement, so demo logins work whatever host and
    port the gateway runs on."""
    chosen = _default_personas() if personas is None else personas
    rows = [_link_row(issuer_url.rstrip("/"), persona) for persona in chosen.values()]
    if not rows:
        return
    statement = insert(IdentityLink).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[IdentityLink.issuer, IdentityLink.subject],
        set_={
            "party_id": statement.excluded.party_id,
            "staff_id": statement.excluded.staff_id,
            "agency_id": statement.excluded.agency_id,
        },
    )
    async with engine.begin() as conn:
        await conn.execute(statement)


def _link_row(issuer: str, persona: Persona) -> dict[str, Any]:
    ids = {
        "party": persona.party_id,
        "staff": persona.staff_id,
        "agency": persona.agency_id,
    }
    kind = str(persona.kind)
    if ids.get(kind) is None or sum(v is not None for v in ids.values()) != 1:
        raise ValueError(f"persona {persona.key!r} must have exactly its {kind} id")
    return {
        "issuer": issuer,
        "subject": persona_subject(persona),
        "party_id": persona.party_id,
        "staff_id": persona.staff_id,
        "agency_id": persona.agency_id,
    }
