"""Parties: the viewer's own record, and names of the people on their cases."""

from __future__ import annotations

from sqlalchemy import any_, select

from db.models import Party
from loaders.base import ID_KEYS, OneByKey
from loaders.ids import global_id


class PartyByIdLoader(OneByKey[int]):
    """A party's full record (only ever shown to that party or entitled staff)."""

    statement = select(
        Party.id.label("pk"),
        global_id("Party", Party.id).label("id"),
        Party.first_name,
        Party.middle_name,
        Party.last_name,
        Party.date_of_birth,
        ("***-**-" + Party.ssn_last4).label("masked_ssn"),
        Party.address_line1,
        Party.address_line2,
        Party.city,
        Party.state,
        Party.postal_code,
        Party.phone,
        Party.email,
        (Party.email_verified_at.is_not(None)).label("email_verified"),
    ).where(Party.id == any_(ID_KEYS))
