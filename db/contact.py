"""Writing a party's contact details: under the party's row lock, versioned,
with the security alert that tells the party their details changed.

Every change of a party's records starts with ``lock_party`` (``SELECT ...
FOR UPDATE`` on the party's row): changes of one party are serialised, so a
version read there is still the stored one when the change is written, and
two requests carrying the same version cannot both pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import CaseStatus, NotificationTopic
from db.models import Agency, Case, CaseParticipant, Party
from delivery.outbox import notify
from domain.contact import Address
from domain.contact_change import ContactDetails
from domain.contact_notices import changed_alert


async def lock_party(conn: AsyncConnection, party_id: int) -> ContactDetails:
    """Lock the party's row for the transaction; its contact details."""
    row = (
        await conn.execute(
            select(
                Party.address_line1,
                Party.address_line2,
                Party.city,
                Party.state,
                Party.postal_code,
                Party.phone,
                Party.email,
                Party.version,
                Party.phone_verified_at,
            )
            .where(Party.id == party_id)
            .with_for_update()
        )
    ).one()
    address = Address(
        row.address_line1, row.address_line2, row.city, row.state, row.postal_code
    )
    return ContactDetails(
        address=address,
        phone=row.phone,
        email=row.email,
        version=row.version,
        phone_confirmed=row.phone_verified_at is not None,
    )


async def write_party(conn: AsyncConnection, party_id: int, **values: Any) -> int:
    """Update the (locked) party's row and bump its version; the new version."""
    result = await conn.execute(
        update(Party)
        .where(Party.id == party_id)
        .values(version=Party.version + 1, updated_at=func.now(), **values)
        .returning(Party.version)
    )
    return int(result.scalar_one())


async def office_phone(conn: AsyncConnection, party_id: int) -> str | None:
    """The phone of the office running the party's newest open case (the
    number an alert tells them to call), if there is one."""
    return await conn.scalar(
        select(Agency.phone)
        .join(Case, Case.office_id == Agency.id)
        .join(CaseParticipant, CaseParticipant.case_id == Case.id)
        .where(
            CaseParticipant.party_id == party_id,
            Case.status != CaseStatus.CLOSED,
            Agency.phone.is_not(None),
        )
        .order_by(Case.opened_on.desc(), Case.id.desc())
        .limit(1)
    )


async def alert_changed(
    conn: AsyncConnection,
    party_id: int,
    version: int,
    changed: Iterable[str],
    *,
    email_requested: bool = False,
) -> None:
    """Queue the security alert for the change that made ``version``: to the
    party only, on their stored e-mail (always) and channels they chose."""
    subject, body = changed_alert(
        changed, await office_phone(conn, party_id), email_requested=email_requested
    )
    await notify(
        conn,
        party_id,
        NotificationTopic.SECURITY_ALERT,
        f"contact-changed:v{version}",
        subject,
        body,
    )
