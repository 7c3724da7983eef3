"""Rows and tokens for role tests: staff and partner logins, shares, people on
cases, protections, and the audit log as rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from tests.support import factories as f
from tests.support.issuer import TestIssuer

#: What a partner's token asks for when a test does not say.
PARTNER_SCOPE = "case:read pii:read fti:read"


async def link_staff(
    conn: AsyncConnection, issuer: str, subject: str, staff_id: int
) -> None:
    await f.add(conn, m.IdentityLink, issuer=issuer, subject=subject, staff_id=staff_id)


async def link_agency(
    conn: AsyncConnection, issuer: str, client_id: str, agency_id: int
) -> None:
    """A partner's client-credentials login: its subject is its client id."""
    await f.add(
        conn, m.IdentityLink, issuer=issuer, subject=client_id, agency_id=agency_id
    )


async def partner(conn: AsyncConnection, **values: Any) -> int:
    """Another state's child-support agency."""
    row = {"kind": "partner_state_agency", "state": "OK", "county": None}
    return await f.agency(conn, **(row | values))


async def share(
    conn: AsyncConnection,
    agency_id: int,
    case_id: int,
    scopes: Iterable[str],
    *,
    revoked_on: date | None = None,
) -> int:
    shared_on = date.today() - timedelta(days=30)
    return await f.add(
        conn,
        m.PartnerCaseShare,
        agency_id=agency_id,
        case_id=case_id,
        scopes=list(scopes),
        shared_on=shared_on,
        revoked_on=revoked_on,
    )


async def on_case(
    conn: AsyncConnection, case_id: int, party_id: int, role: str
) -> None:
    await f.add(conn, m.CaseParticipant, case_id=case_id, party_id=party_id, role=role)


async def child(conn: AsyncConnection, case_ids: Iterable[int], **values: Any) -> int:
    row = {
        "first_name": "Kit",
        "last_name": "Kid",
        "date_of_birth": date(2015, 5, 1),
        "expected_emancipation_date": date(2033, 5, 1),
        "address_line1": "9 Oak Ave",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78702",
    }
    child_id = await f.add(conn, m.Child, **(row | values))
    for case_id in case_ids:
        await f.add(conn, m.CaseChild, case_id=case_id, child_id=child_id)
    return child_id


async def protect(
    conn: AsyncConnection, party_id: int, staff_id: int, **values: Any
) -> int:
    """An active family-violence indicator on ``party_id``."""
    row = {
        "party_id": party_id,
        "code": "family_violence",
        "set_on": date(2024, 1, 1),
        "set_by_staff_id": staff_id,
    }
    return await f.add(conn, m.FamilyViolenceIndicator, **(row | values))


async def thread(conn: AsyncConnection, party_id: int, case_id: int) -> int:
    when = datetime(2025, 1, 2, 9, 0, tzinfo=UTC)
    return await f.add(
        conn,
        m.MessageThread,
        party_id=party_id,
        case_id=case_id,
        topic="case_question",
        subject="About my case",
        created_at=when,
        last_message_at=when,
    )


def partner_token(
    issuer: TestIssuer, client_id: str, scope: str = PARTNER_SCOPE
) -> str:
    """A client-credentials token: the client acts for itself."""
    return issuer.mint(client_id, client_id=client_id, scope=scope)


async def audit_rows(engine: AsyncEngine) -> list[dict[str, Any]]:
    """Every audit event, oldest first, as plain dicts."""
    async with engine.connect() as conn:
        result = await conn.execute(
            select(m.AuditEvent.__table__).order_by(m.AuditEvent.id)
        )
        return [dict(row._mapping) for row in result]


def audit_inserts(statements: Iterable[str]) -> list[str]:
    """The statements that wrote audit events."""
    return [s for s in statements if s.lstrip().startswith("INSERT INTO audit_events")]


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    body: dict[str, Any] = response.json()
    return list(body.get("errors", []))
