"""Small hand-built rows for tests, inserted with Core statements."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from db import models as m

_numbers = itertools.count(1)


def _next() -> int:
    return next(_numbers)


async def add(conn: AsyncConnection, model: type[m.Base], **values: Any) -> int:
    """Insert one row of ``model`` and return its id."""
    result = await conn.execute(insert(model).values(**values).returning(model.id))  # type: ignore[attr-defined]
    return int(result.scalar_one())


async def agency(conn: AsyncConnection, **values: Any) -> int:
    n = _next()
    row = {
        "code": f"OFF-{n}",
        "name": f"County Office {n}",
        "kind": "county_office",
        "state": "TX",
        "county": "Travis",
        "phone": "512-555-0100",
    }
    return await add(conn, m.Agency, **(row | values))


async def staff(conn: AsyncConnection, agency_id: int, **values: Any) -> int:
    n = _next()
    row = {
        "agency_id": agency_id,
        "first_name": "Casey",
        "last_name": f"Worker{n}",
        "role": "caseworker",
        "email": f"worker{n}@agency.example",
    }
    return await add(conn, m.Staff, **(row | values))


async def party(conn: AsyncConnection, **values: Any) -> int:
    n = _next()
    ssn = f"{n:09d}"
    row = {
        "first_name": "Pat",
        "last_name": f"Parent{n}",
        "date_of_birth": date(1985, 3, 14),
        "ssn_digest": hashlib.sha256(ssn.encode()).digest(),
        "ssn_last4": ssn[-4:],
        "address_line1": f"{n} Elm St",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
        "phone": "512-555-0199",
        "email": f"parent{n}@mail.example",
    }
    return await add(conn, m.Party, **(row | values))


async def case(
    conn: AsyncConnection, office_id: int, caseworker_id: int | None, **values: Any
) -> int:
    n = _next()
    row = {
        "case_number": f"{9000000000 + n}",
        "status": "open",
        "case_type": "iv_d",
        "assistance_status": "never_tanf",
        "office_id": office_id,
        "caseworker_id": caseworker_id,
        "opened_on": date(2021, 1, 1),
    }
    return await add(conn, m.Case, **(row | values))


async def order(conn: AsyncConnection, case_id: int, **values: Any) -> int:
    n = _next()
    row = {
        "case_id": case_id,
        "order_number": f"SO-T{n:07d}",
        "issuing_court": "County Court at Law No. 2",
        "cause_number": f"D-1-FM-21-{n:06d}",
        "status": "active",
        "effective_date": date(2021, 1, 1),
    }
    return await add(conn, m.SupportOrder, **(row | values))


async def obligation(conn: AsyncConnection, order_id: int, **values: Any) -> int:
    row = {
        "order_id": order_id,
        "kind": "current_child_support",
        "amount": Decimal("400.00"),
        "frequency": "monthly",
        "start_date": date(2021, 1, 1),
    }
    return await add(conn, m.Obligation, **(row | values))


async def payment(
    conn: AsyncConnection, order_id: int, payer_party_id: int, **values: Any
) -> int:
    n = _next()
    row = {
        "order_id": order_id,
        "payer_party_id": payer_party_id,
        "amount": Decimal("400.00"),
        "collected_on": date(2021, 2, 3),
        "posted_on": date(2021, 2, 4),
        "source": "income_withholding",
        "status": "posted",
        "reference": f"PT{n:010d}",
    }
    return await add(conn, m.Payment, **(row | values))


async def ledger(conn: AsyncConnection, order_id: int, **values: Any) -> int:
    row = {"order_id": order_id, "owed_to": "family"}
    return await add(conn, m.LedgerEntry, **(row | values))
