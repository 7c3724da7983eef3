"""``confirmEmailChange``: the code sent to a new e-mail address makes it the
party's address (``resolvers.code_confirmation`` tries the code)."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting
from db.changes import touch_cases_of_party
from db.contact import alert_changed, write_party
from db.enums import NotificationChannel
from domain.contact_change import EMAIL, ContactDetails
from resolvers.code_confirmation import confirm_code
from resolvers.party_records import contact_errors, viewer_if_self
from schema.contact import ConfirmEmailChangeInput, ConfirmEmailChangePayload
from schema.context import Info

ACTION = "confirm_email_change"
MUTATION = "confirmEmailChange"


async def _switch(
    conn: AsyncConnection, acting: Acting, current: ContactDetails, value: str
) -> tuple[str, ...]:
    # the alert goes out first, so it reaches the address being replaced:
    # its owner learns of the change even if someone else made it
    await alert_changed(conn, acting.party_id, current.version + 1, (EMAIL,))
    await write_party(conn, acting.party_id, email=value, email_verified_at=func.now())
    await touch_cases_of_party(conn, acting.party_id)
    return (EMAIL,)


async def confirm_email_change(
    info: Info, data: ConfirmEmailChangeInput
) -> ConfirmEmailChangePayload:
    answer = await confirm_code(
        info, ACTION, MUTATION, NotificationChannel.EMAIL, data.code, _switch
    )
    if isinstance(answer, list):
        return ConfirmEmailChangePayload(viewer=None, errors=contact_errors(answer))
    if answer.errors:
        return ConfirmEmailChangePayload(
            viewer=None, errors=contact_errors(answer.errors)
        )
    viewer = await viewer_if_self(info, answer.party_id)
    return ConfirmEmailChangePayload(viewer=viewer, errors=[])
