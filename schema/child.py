"""Children on cases."""

from __future__ import annotations

from datetime import date

import strawberry


@strawberry.type(description="A child on a case.")
class Child:
    id: strawberry.ID
    first_name: str
    last_name: str
    date_of_birth: date | None = strawberry.field(
        description="Not shown to the non-custodial parent."
    )
    expected_emancipation_date: date | None = strawberry.field(
        description="Not shown to the non-custodial parent (it reveals the birth date)."
    )
    address_line1: str | None
    city: str | None
    state: str | None
    postal_code: str | None
