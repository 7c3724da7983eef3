"""The ``Authorization`` header -> a ``Principal`` (or ``None`` for anonymous)."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.authentication.errors import invalid_request, invalid_token
from auth.authentication.oidc import REMEMBERED_TOKENS, OIDCVerifier, VerifiedToken
from auth.principal import (
    Principal,
    PrincipalKind,
    client_id_from_claims,
    scopes_from_claims,
)
from db import statements
from db.models import IdentityLink, Staff

# RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" /
# "+" / "/" ) *"="
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")

_LINK_BY_IDENTITY = (
    select(
        IdentityLink.party_id,
        IdentityLink.staff_id,
        IdentityLink.agency_id,
        Staff.agency_id.label("office_id"),
    )
    .outerjoin(Staff, Staff.id == IdentityLink.staff_id)
    .where(
        IdentityLink.issuer == bindparam("issuer"),
        IdentityLink.subject == bindparam("subject"),
    )
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request's token stands for. ``remembered``: a parent's
    principal this process found for the same token before, whose link has
    not been read again; the one statement of a compiled plan reads it with
    the answer (``execution.compile``), every other path reads it first
    (``Authenticator.caller(..., remembered=False)``)."""

    principal: Principal | None
    remembered: bool = False


class Authenticator:
    """Turns a bearer token into a ``Principal``: the token is verified first, and
    the database is asked (one statement) only about a valid token."""

    def __init__(self, verifier: OIDCVerifier, engine: AsyncEngine) -> None:
        self.verifier = verifier
        self.engine = engine
        #: Parents' principals by token (at most as many as verified tokens).
        self._parents: OrderedDict[str, Principal] = OrderedDict()

    async def caller(
        self, authorization: str | None, *, remembered: bool = True
    ) -> Caller:
        """As :meth:`authenticate`, except that a parent's principal found
        for the same token before is given back without reading the link
        again, when ``remembered`` allows it (the token itself is verified
        every time)."""
        if authorization is None:
            return Caller(None)
        token = bearer_token(authorization)
        verified = await self.verifier.verify(token)
        found = self._parents.get(token) if remembered else None
        if found is not None:
            self._parents.move_to_end(token)
            return Caller(found, remembered=True)
        principal = await self.principal_for(verified)
        if principal.is_party:
            self._parents[token] = principal
            if len(self._parents) > REMEMBERED_TOKENS:
                self._parents.popitem(last=False)
        else:
            self._parents.pop(token, None)
        return Caller(principal)

    async def authenticate(self, authorization: str | None) -> Principal | None:
        """The caller behind an ``Authorization`` header value; ``None`` when no
        header was sent. Raises ``AuthenticationError`` for a malformed header
        (``invalid_request``), an unacceptable token or an unknown subject
        (``invalid_token``), and ``IssuerUnavailableError`` when the issuer's
        keys cannot be fetched."""
        return (await self.caller(authorization, remembered=False)).principal

    async def principal_for(self, token: VerifiedToken) -> Principal:
        """The principal an already verified token's identity is linked to."""
        async with self.engine.connect() as conn:
            rows = await statements.fetch(
                conn,
                _LINK_BY_IDENTITY,
                {"issuer": token.issuer, "subject": token.subject},
            )
        # (issuer, subject) is unique
        row = rows[0] if rows else None
        client_id = client_id_from_claims(token.claims)
        scopes = scopes_from_claims(token.claims)
        if row is None:
            if client_id is not None and client_id == token.subject:
                # a client acting for itself (client credentials): only an
                # agency link makes it someone; there is no person to link
                raise invalid_token("unknown subject")
            # a person who has not linked their login to their party yet
            return Principal(
                kind=PrincipalKind.UNLINKED,
                id=0,
                issuer=token.issuer,
                subject=token.subject,
                scopes=scopes,
            )
        party_id, staff_id, agency_id, office_id = row
        if party_id is not None:
            kind, id_, agency = PrincipalKind.PARTY, party_id, None
        elif staff_id is not None:
            kind, id_, agency = PrincipalKind.STAFF, staff_id, office_id
        else:
            assert agency_id is not None  # the one_principal CHECK constraint
            if client_id is None:
                # an agency acts through an OAuth client; a token naming
                # none is not a client-credentials token
                raise invalid_token("the token names no client")
            kind, id_, agency = PrincipalKind.AGENCY, agency_id, agency_id
        return Principal(
            kind=kind,
            id=id_,
            issuer=token.issuer,
            subject=token.subject,
            scopes=scopes,
            client_id=client_id if kind is PrincipalKind.AGENCY else None,
            agency_id=agency,
        )


def bearer_token(authorization: str) -> str:
    """The token of a ``Bearer`` credential (scheme case-insensitive), or
    ``invalid_request``."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise invalid_request("the Authorization header must use the Bearer scheme")
    token = token.strip()
    if not _B64TOKEN.fullmatch(token):
        raise invalid_request("the Authorization header is malformed")
    return token
