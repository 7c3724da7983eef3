"""Contact details as the agency keeps them: addresses, phones, e-mail.

Pure functions. Each ``clean_*`` takes what a caller typed, returns the stored
form, and appends a ``FieldError`` to ``errors`` when the value cannot be
kept (so one answer lists every problem). Lengths are the columns' lengths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

import phonenumbers

from domain.field_errors import INVALID, REQUIRED, FieldError
from domain.plain_text import has_refused_characters, is_blank

#: USPS codes accepted as a state: the 50 states, the District of Columbia,
#: the territories (Puerto Rico, Guam, U.S. Virgin Islands, American Samoa,
#: Northern Mariana Islands) and military mail (AA, AE, AP: a parent on active
#: duty abroad).
US_STATES = frozenset(
    {
        # the states
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA",
        "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
        "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC",
        "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
        # the District of Columbia, the territories, military mail
        "DC", "PR", "GU", "VI", "AS", "MP", "AA", "AE", "AP",
    }
)  # fmt: skip

LINE_MAX = 200
CITY_MAX = 100
PHONE_MAX = 32
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
#: Default region of phone numbers typed without a country code.
PHONE_REGION = "US"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_ZIP = re.compile(r"(?P<zip>[0-9]{5})(?:-?(?P<plus4>[0-9]{4}))?")
_PHONE_CHARS = re.compile(r"[0-9+().\- ]+")
_EMAIL_LOCAL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


@dataclass(frozen=True, slots=True)
class Address:
    """A mailing address as stored (every part may be missing on old rows)."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None


#: Input names of the parts of an address, and their columns.
ADDRESS_PARTS = {
    "line1": "line1",
    "line2": "line2",
    "city": "city",
    "state": "state",
    "postalCode": "postal_code",
}
#: Parts every address must have.
REQUIRED_PARTS = ("line1", "city", "state", "postalCode")


def clean_text(
    value: str, field: str, maximum: int, errors: list[FieldError]
) -> str | None:
    """Trimmed, NFC, runs of white space as one space; None (and an error)
    when empty, too long or holding control characters."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if is_blank(text):
        errors.append(FieldError(REQUIRED, field, "This value is required."))
        return None
    if _CONTROL.search(
        value.replace("\n", " ").replace("\t", " ")
    ) or has_refused_characters(value):
        errors.append(FieldError(INVALID, field, "This value has invalid characters."))
        return None
    if len(text) > maximum:
        errors.append(
            FieldError(INVALID, field, f"At most {maximum} characters are allowed.")
        )
        return None
    return text


def clean_state(value: str, field: str, errors: list[FieldError]) -> str | None:
    """A US state, territory or military code, upper-case."""
    code = value.strip().upper()
    if code not in US_STATES:
        errors.append(
            FieldError(
                INVALID,
                field,
                "Use the two-letter code of a US state or territory (TX, DC, PR).",
            )
        )
        return None
    return code


def clean_postal_code(value: str, field: str, errors: list[FieldError]) -> str | None:
    """A ZIP code (``78701``) or ZIP+4 (``78701-1234``; ``787011234`` too)."""
    found = _ZIP.fullmatch(value.strip())
    if found is None or found["zip"] == "00000":
        errors.append(
            FieldError(INVALID, field, "Use a 5-digit ZIP code or ZIP+4 (78701-1234).")
        )
        return None
    plus4 = found["plus4"]
    return found["zip"] if plus4 is None else f"{found['zip']}-{plus4}"


def clean_phone(value: str, field: str, errors: list[FieldError]) -> str | None:
    """The number in E.164 (``+15125550199``); numbers without a country code
    are read as US numbers. Extensions cannot be stored (texts need a line)."""
    typed = value.strip()
    invalid = FieldError(
        INVALID, field, "This is not a phone number we can reach (e.g. 512-555-0199)."
    )
    if not typed or len(typed) > PHONE_MAX or not _PHONE_CHARS.fullmatch(typed):
        errors.append(invalid)
        return None
    try:
        number = phonenumbers.parse(typed, PHONE_REGION)
    except phonenumbers.NumberParseException:
        errors.append(invalid)
        return None
    if number.extension or not phonenumbers.is_valid_number(number):
        errors.append(invalid)
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_email(value: str, field: str, errors: list[FieldError]) -> str | None:
    """An address as stored: trimmed, the domain in lower case (the local
    part is kept as typed: only the receiving server may fold its case)."""
    typed = value.strip()
    invalid = FieldError(INVALID, field, "This is not an e-mail address we can use.")
    if len(typed) > EMAIL_MAX or typed.count("@") != 1:
        errors.append(invalid)
        return None
    local, domain = typed.split("@")
    domain = domain.lower()
    labels = domain.split(".")
    if (
        len(local) > EMAIL_LOCAL_MAX
        or not _EMAIL_LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not _TLD.fullmatch(labels[-1])
    ):
        errors.append(invalid)
        return None
    return f"{local}@{domain}"


def same_email(a: str | None, b: str | None) -> bool:
    """The same mailbox, whatever the case of the letters."""
    return a is not None and b is not None and a.casefold() == b.casefold()


def merge_address(
    current: Address,
    given: Mapping[str, str | None],
    prefix: str,
    errors: list[FieldError],
) -> Address:
    """``current`` with the parts ``given`` (input names) replaced: a part
    not given is kept, ``line2`` given as null (or empty) is cleared, other
    parts may not be cleared. The result must be a complete address."""
    merged = current
    for name, value in given.items():
        field = f"{prefix}.{name}"
        column = ADDRESS_PARTS[name]
        if value is None or (name == "line2" and not value.strip()):
            if name != "line2":
                errors.append(
                    FieldError(REQUIRED, field, "This part of an address is required.")
                )
                continue
            merged = replace(merged, line2=None)
            continue
        cleaned = clean_address_part(name, value, field, errors)
        if cleaned is not None:
            merged = replace(merged, **{column: cleaned})
    for name in REQUIRED_PARTS:
        if name not in given and getattr(merged, ADDRESS_PARTS[name]) is None:
            errors.append(
                FieldError(
                    REQUIRED, f"{prefix}.{name}", "This part of an address is required."
                )
            )
    return merged


def full_address(
    given: Mapping[str, str | None], prefix: str, errors: list[FieldError]
) -> Address:
    """A complete new address (employers): every required part must be given."""
    return merge_address(Address(), given, prefix, errors)


def clean_address_part(
    name: str, value: str, field: str, errors: list[FieldError]
) -> str | None:
    """One part of an address (by its input name), as stored."""
    if name == "state":
        return clean_state(value, field, errors)
    if name == "postalCode":
        return clean_postal_code(value, field, errors)
    maximum = CITY_MAX if name == "city" else LINE_MAX
    return clean_text(value, field, maximum, errors)
