"""Who is calling: the frozen result of authenticating a bearer token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class PrincipalKind(StrEnum):
    """The kind of row an identity is linked to."""

    PARTY = "party"
    STAFF = "staff"
    AGENCY = "agency"
    #: A person with a valid login that is not linked to a party yet: they may
    #: only link their account (``linkAccount``).
    UNLINKED = "unlinked"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a party (parent), a staff member or a partner agency.

    ``id`` is the row id in ``parties``, ``staff`` or ``agencies`` according to
    ``kind``; ``issuer`` and ``subject`` are the token's ``iss`` and ``sub``.
    ``client_id`` is only set for agencies (client-credentials callers);
    ``agency_id`` is the agency a staff member works for, or the agency itself.
    An ``UNLINKED`` principal has ``id`` 0.
    """

    kind: PrincipalKind
    id: int
    issuer: str
    subject: str
    scopes: frozenset[str] = frozenset()
    client_id: str | None = None
    agency_id: int | None = None

    @property
    def is_party(self) -> bool:
        """A parent or caretaker on cases."""
        return self.kind is PrincipalKind.PARTY

    @property
    def is_staff(self) -> bool:
        """An agency employee, such as a caseworker."""
        return self.kind is PrincipalKind.STAFF

    @property
    def is_agency(self) -> bool:
        """A partner agency calling with client credentials."""
        return self.kind is PrincipalKind.AGENCY

    @property
    def is_unlinked(self) -> bool:
        """A login not yet linked to a party."""
        return self.kind is PrincipalKind.UNLINKED

    def has_scope(self, scope: str) -> bool:
        """Whether the token granted ``scope``."""
        return scope in self.scopes


#: Stands for "no caller" where a principal is needed: it may reach nothing.
NOBODY = Principal(kind=PrincipalKind.UNLINKED, id=0, issuer="", subject="")


def scopes_from_claims(claims: Mapping[str, Any]) -> frozenset[str]:
    """The granted scopes: ``scope`` (space separated, RFC 8693/9068), or ``scp``
    (a list or a string, as some providers send) when ``scope`` is absent."""
    value = claims.get("scope")
    if value is None:
        value = claims.get("scp")
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(v for v in value if isinstance(v, str) and v)
    return frozenset()


def client_id_from_claims(claims: Mapping[str, Any]) -> str | None:
    """The OAuth client the token was issued to: ``client_id``, else ``azp``."""
    for name in ("client_id", "azp"):
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return None
