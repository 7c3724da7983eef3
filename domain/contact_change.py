"""What an ``updateContactInformation`` request changes, decided from the
stored details and the typed input: a pure function, no database.

Partial update: only what the input gives is looked at. The address and the
phone change at once (a new phone is unconfirmed until its code comes back);
a new e-mail address only becomes pending, and replaces the stored one when
its code is confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from db.enums import NotificationChannel
from domain.contact import (
    Address,
    clean_email,
    clean_phone,
    merge_address,
    same_email,
)
from domain.field_errors import CONFLICT, INVALID, REQUIRED, FieldError, Refused


class Omitted(Enum):
    """An input field that was not given at all (as opposed to null)."""

    OMITTED = "omitted"


OMITTED = Omitted.OMITTED

ADDRESS = "mailingAddress"
PHONE = "phone"
EMAIL = "email"


@dataclass(frozen=True, slots=True)
class ContactDetails:
    """What is stored for a party."""

    address: Address
    phone: str | None
    email: str | None
    version: int
    phone_confirmed: bool = False


@dataclass(frozen=True, slots=True)
class ContactRequest:
    """What the caller asked for; ``OMITTED`` where they did not say."""

    version: int
    address: Mapping[str, str | None] | Omitted | None = OMITTED
    phone: str | Omitted | None = OMITTED
    email: str | Omitted | None = OMITTED


@dataclass(frozen=True, slots=True)
class ContactChange:
    """The outcome: the details to store, and what to confirm."""

    address: Address
    phone: str | None
    #: The fields whose stored value changes now (input names).
    changed: tuple[str, ...]
    #: A phone to confirm with a texted code: a new one, or the stored one
    #: given again while it is unconfirmed (a new code). None otherwise.
    phone_to_confirm: str | None
    #: A new e-mail address to confirm with a code sent to it.
    email_to_confirm: str | None

    @property
    def codes(self) -> tuple[tuple[NotificationChannel, str], ...]:
        """Where one-time codes go: (channel, the phone or address)."""
        wanted = (
            (NotificationChannel.SMS, self.phone_to_confirm),
            (NotificationChannel.EMAIL, self.email_to_confirm),
        )
        return tuple((channel, value) for channel, value in wanted if value)

    @property
    def anything(self) -> bool:
        """Whether the request changes or asks to confirm anything."""
        return bool(self.changed) or bool(
            self.phone_to_confirm or self.email_to_confirm
        )


def plan_contact_change(
    current: ContactDetails, request: ContactRequest
) -> ContactChange:
    """Decide the change, or raise ``Refused`` with every problem found (a
    stale ``version`` alone: the caller must read the details again first)."""
    if request.version != current.version:
        raise Refused(
            FieldError(
                CONFLICT,
                "version",
                "Your contact details were changed meanwhile: reload them, "
                "then make your change again.",
            )
        )
    errors: list[FieldError] = []
    address = current.address
    if request.address is None:
        errors.append(
            FieldError(
                INVALID, ADDRESS, "A mailing address can be changed, not removed."
            )
        )
    elif not isinstance(request.address, Omitted):
        address = merge_address(current.address, request.address, ADDRESS, errors)
    phone = current.phone
    phone_given = False
    if request.phone is None:
        phone = None
    elif not isinstance(request.phone, Omitted):
        phone = clean_phone(request.phone, PHONE, errors) or current.phone
        phone_given = True
    email_to_confirm: str | None = None
    if request.email is None:
        errors.append(
            FieldError(
                REQUIRED, EMAIL, "An e-mail address can be changed, not removed."
            )
        )
    elif not isinstance(request.email, Omitted):
        email = clean_email(request.email, EMAIL, errors)
        if email is not None and not same_email(email, current.email):
            email_to_confirm = email
    if errors:
        raise Refused(*errors)
    changed = tuple(
        name
        for name, differs in (
            (ADDRESS, address != current.address),
            (PHONE, phone != current.phone),
        )
        if differs
    )
    resend = phone_given and not current.phone_confirmed
    return ContactChange(
        address=address,
        phone=phone,
        changed=changed,
        phone_to_confirm=phone if PHONE in changed or resend else None,
        email_to_confirm=email_to_confirm,
    )
