"""Settings overrides for the fuzz runs."""

from __future__ import annotations

from typing import Any

from documents.limits import AgencyLimits, AnonymousLimits, Limits, StaffLimits

#: Hundreds of requests from one address in seconds: no run is rate limited.
_GENEROUS = "1000/1000"
RATES: dict[str, Any] = {
    f"rate_limit_{kind}": _GENEROUS
    for kind in ("anonymous", "person", "staff", "agency", "address")
}

_BIG: dict[str, Any] = {
    "max_body_bytes": 1_000_000,
    "max_tokens": 100_000,
    "max_depth": 60,
    "max_aliases": 1_000,
    "max_root_fields": 1_000,
    "max_operations": 100,
    "max_fragments": 1_000,
    "max_directives": 1_000,
    "max_cost": 10**7,
}
#: Limits no generated document reaches, so that most of them execute.
RAISED: dict[str, Any] = {
    "limits_anonymous": AnonymousLimits(**_BIG),
    "limits_person": Limits(**_BIG),
    "limits_staff": StaffLimits(**_BIG),
    "limits_agency": AgencyLimits(**_BIG),
}
