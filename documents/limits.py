"""What one request may ask, per kind of caller.

Every limit is checked before execution; the body size and the token count
before parsing. Anonymous callers get the smallest: only tiny documents for
the public Help fields. Each kind is one setting holding JSON, e.g.
``GATEWAY_LIMITS_PERSON='{"max_cost": 30000}'``; fields left out keep that
kind's defaults.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from auth.principal import Principal, PrincipalKind


class CallerKind(StrEnum):
    """Kinds of caller that get their own limits."""

    ANONYMOUS = "anonymous"
    PERSON = "person"  # parents (and logins not linked yet)
    STAFF = "staff"  # caseworkers
    AGENCY = "agency"  # partner agencies


def caller_kind(principal: Principal | None) -> CallerKind:
    if principal is None:
        return CallerKind.ANONYMOUS
    if principal.kind is PrincipalKind.STAFF:
        return CallerKind.STAFF
    if principal.kind is PrincipalKind.AGENCY:
        return CallerKind.AGENCY
    return CallerKind.PERSON


class Limits(BaseModel):
    """One kind of caller's limits (defaults: a parent's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Bytes of a POST body, or of a GET query string.
    max_body_bytes: int = Field(default=32_768, ge=256)
    #: Lexical tokens of the document; the parser stops past this.
    max_tokens: int = Field(default=4_000, ge=10)
    #: Nesting of field selections, through fragments.
    max_depth: int = Field(default=15, ge=2)
    #: Aliased fields in the document.
    max_aliases: int = Field(default=40, ge=0)
    #: Fields selected at the root of the operation (aliases included).
    max_root_fields: int = Field(default=20, ge=1)
    max_operations: int = Field(default=10, ge=1)
    max_fragments: int = Field(default=50, ge=0)
    #: Directives used in the document.
    max_directives: int = Field(default=30, ge=0)
    #: Estimated fields resolved: nested lists multiply by their page size
    #: (``documents.cost``).
    max_cost: int = Field(default=100_000, ge=1)


class AnonymousLimits(Limits):
    max_body_bytes: int = Field(default=2_048, ge=256)
    max_tokens: int = Field(default=300, ge=10)
    max_depth: int = Field(default=5, ge=2)
    max_aliases: int = Field(default=5, ge=0)
    max_root_fields: int = Field(default=5, ge=1)
    max_operations: int = Field(default=2, ge=1)
    max_fragments: int = Field(default=4, ge=0)
    max_directives: int = Field(default=4, ge=0)
    max_cost: int = Field(default=300, ge=1)


class StaffLimits(Limits):
    max_body_bytes: int = Field(default=65_536, ge=256)
    max_tokens: int = Field(default=8_000, ge=10)
    max_aliases: int = Field(default=60, ge=0)
    max_cost: int = Field(default=150_000, ge=1)


class AgencyLimits(Limits):
    max_body_bytes: int = Field(default=65_536, ge=256)
    max_tokens: int = Field(default=8_000, ge=10)
    max_depth: int = Field(default=18, ge=2)
    max_aliases: int = Field(default=60, ge=0)
    max_cost: int = Field(default=250_000, ge=1)
