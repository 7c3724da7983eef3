"""``confirmPhone``: the code texted to the party's phone confirms it (text
messages go only to a confirmed phone)."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting
from db.changes import touch_cases_of_party
from db.contact import write_party
from db.enums import NotificationChannel
from domain.contact_change import PHONE, ContactDetails
from resolvers.code_confirmation import confirm_code
from resolvers.party_records import contact_errors, viewer_if_self
from schema.contact import ConfirmPhoneInput, ConfirmPhonePayload
from schema.context import Info

ACTION = "confirm_phone"
MUTATION = "confirmPhone"


async def _confirm(
    conn: AsyncConnection, acting: Acting, current: ContactDetails, value: str
) -> tuple[str, ...]:
    await write_party(conn, acting.party_id, phone_verified_at=func.now())
    await touch_cases_of_party(conn, acting.party_id)
    return (PHONE,)


def _stored_phone(current: ContactDetails) -> str | None:
    return current.phone


async def confirm_phone(info: Info, data: ConfirmPhoneInput) -> ConfirmPhonePayload:
    answer = await confirm_code(
        info,
        ACTION,
        MUTATION,
        NotificationChannel.SMS,
        data.code,
        _confirm,
        current_value=_stored_phone,
    )
    if isinstance(answer, list):
        return ConfirmPhonePayload(viewer=None, errors=contact_errors(answer))
    if answer.errors:
        return ConfirmPhonePayload(viewer=None, errors=contact_errors(answer.errors))
    viewer = await viewer_if_self(info, answer.party_id)
    return ConfirmPhonePayload(viewer=viewer, errors=[])
