"""What the mutations on a party's own contact records share: the errors as
payload data, and the party read back as the caller's ``Viewer``."""

from __future__ import annotations

from typing import Any

from domain.field_errors import FieldError
from resolvers.mutation import as_errors
from schema.contact import ContactError, ContactErrorCode
from schema.context import Info


def contact_errors(errors: list[FieldError]) -> list[ContactError]:
    return as_errors(errors, ContactError, ContactErrorCode)


async def viewer_if_self(info: Info, party_id: int) -> Any:
    """The party as ``Viewer`` when the caller is that party, else None."""
    principal = info.context.principal
    if principal is None or not principal.is_party or principal.id != party_id:
        return None
    return await info.context.loaders.party_by_id.load(party_id)
