"""An employer a parent (or their caseworker) reported, pending verification."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from db.enums import EmployerReportStatus, Frequency


@strawberry.type(
    description=(
        "An employer reported to the agency: PENDING until a caseworker "
        "verifies it (it then shows among the employments)."
    )
)
class EmployerReport:
    employer_name: str
    address_line1: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    phone: str | None
    start_date: date
    income: Decimal | None = strawberry.field(description="Per pay period.")
    income_frequency: Frequency | None
    status: EmployerReportStatus
    reported_at: datetime
