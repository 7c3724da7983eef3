"""``updateContactInformation``: a party's mailing address, phone, e-mail.

One transaction: who acts for whom (``acting_for_party``), the party's row
locked, the version compared (stale: ``CONFLICT``, nothing written), the
change decided by ``domain.contact_change``, the row written with a new
version, codes issued for a new phone or e-mail address, the security alert
queued to the party, their cases touched, the audit record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import UNSET

from auth.authorization.acting import acting_for_party
from db.changes import touch_cases_of_party
from db.confirmations import issue_code
from db.contact import alert_changed, lock_party, write_party
from db.enums import NotificationChannel
from domain.card_numbers import refuse_card_numbers
from domain.contact import ADDRESS_PARTS
from domain.contact_change import (
    ADDRESS,
    EMAIL,
    OMITTED,
    PHONE,
    ContactChange,
    ContactRequest,
    Omitted,
    plan_contact_change,
)
from resolvers.mutation import (
    audited_party,
    party_pk,
    principal_of,
    record_success,
    run,
)
from resolvers.party_records import contact_errors, viewer_if_self
from schema.contact import (
    AddressInput,
    UpdateContactInformationInput,
    UpdateContactInformationPayload,
)
from schema.context import Info

ACTION = "update_contact_information"
MUTATION = "updateContactInformation"


def _given(value: Any) -> Any:
    """An input field as the domain reads it: ``OMITTED`` when not given."""
    return OMITTED if value is UNSET else value


def _address(value: AddressInput | None) -> Mapping[str, str | None] | Omitted | None:
    """The parts of the address given (input names), null ones included."""
    if value is None:
        return None
    if value is UNSET:
        return OMITTED
    given = {name: getattr(value, column) for name, column in ADDRESS_PARTS.items()}
    return {name: part for name, part in given.items() if part is not UNSET}


def request_of(data: UpdateContactInformationInput) -> ContactRequest:
    return ContactRequest(
        version=data.version,
        address=_address(data.mailing_address),
        phone=_given(data.phone),
        email=_given(data.email),
    )


async def _store(
    info: Info, conn: AsyncConnection, party_id: int, change: ContactChange
) -> int | None:
    """Write the change; the new version (None when only a new code for the
    stored, unconfirmed phone was asked for, or nothing at all)."""
    version = None
    if change.changed or change.email_to_confirm is not None:
        values: dict[str, Any] = {}
        if ADDRESS in change.changed:
            address = change.address
            values |= {
                "address_line1": address.line1,
                "address_line2": address.line2,
                "city": address.city,
                "state": address.state,
                "postal_code": address.postal_code,
            }
        if PHONE in change.changed:
            values |= {"phone": change.phone, "phone_verified_at": None}
        version = await write_party(conn, party_id, **values)
        await alert_changed(
            conn,
            party_id,
            version,
            change.changed,
            email_requested=change.email_to_confirm is not None,
        )
        await touch_cases_of_party(conn, party_id)
    for channel, value in change.codes:
        field = PHONE if channel is NotificationChannel.SMS else EMAIL
        await issue_code(conn, info.context.settings, party_id, channel, value, field)
    return version


async def update_contact_information(
    info: Info, data: UpdateContactInformationInput
) -> UpdateContactInformationPayload:
    principal = principal_of(info)
    request = request_of(data)

    async def change(conn: AsyncConnection) -> int:
        acting = await acting_for_party(
            conn, principal, MUTATION, party_pk(data.party_id)
        )
        refuse_card_numbers(data)
        current = await lock_party(conn, acting.party_id)
        planned = plan_contact_change(current, request)
        version = await _store(info, conn, acting.party_id, planned)
        sent = [channel.value for channel, _ in planned.codes]
        fields = planned.changed + ((EMAIL,) if planned.email_to_confirm else ())
        record_success(
            info,
            ACTION,
            acting,
            object_type="Party",
            object_id=acting.party_id,
            fields=fields,
            detail={"version": version or current.version}
            | ({"codes_sent": sent} if sent else {}),
        )
        return acting.party_id

    result = await run(
        info,
        ACTION,
        change,
        object_type="Party",
        object_id=audited_party(principal, data.party_id),
    )
    if isinstance(result, list):
        return UpdateContactInformationPayload(
            viewer=None, party=None, errors=contact_errors(result)
        )
    party = await info.context.loaders.party_node.load(result)
    # rows, served as Party and Viewer like everywhere else (schema.node.RowBacked)
    return UpdateContactInformationPayload(
        viewer=await viewer_if_self(info, result),
        party=party,  # type: ignore[arg-type]
        errors=[],
    )
