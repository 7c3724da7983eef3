"""Which limit a caller falls under, and the key of its own bucket."""

from __future__ import annotations

import hashlib

from auth.principal import Principal, PrincipalKind
from documents.limits import CallerKind, caller_kind

ANONYMOUS = CallerKind.ANONYMOUS.value
#: Every kind a limit must be configured for (the kinds of ``documents.limits``).
KINDS = tuple(kind.value for kind in CallerKind)


def limit_kind(principal: Principal | None) -> str:
    """The kind whose limit applies: ``anonymous`` without a principal."""
    return caller_kind(principal).value


def principal_key(principal: Principal | None) -> str | None:
    """The caller's own bucket: the row it is linked to (every login of one
    parent shares it), or its login while unlinked (they all have id 0), as a
    digest: some issuers use e-mail addresses as subjects."""
    if principal is None:
        return None
    if principal.kind is PrincipalKind.UNLINKED:
        login = f"{principal.issuer}\n{principal.subject}".encode()
        return "login:" + hashlib.sha256(login).hexdigest()
    return f"{principal.kind.value}:{principal.id}"
