"""Raw card numbers must never reach the gateway (PCI DSS SAQ A): spot them.

A run of 13 to 19 digits, optionally grouped by single spaces or hyphens, that
passes the Luhn check looks like a primary account number. Input containing one
is refused before anything is stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass

from domain.field_errors import FieldError, Refused

# digits with optional single separators, not part of a longer digit run
_CANDIDATE = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def looks_like_card_number(text: str) -> bool:
    """Whether ``text`` contains something shaped like a card number."""
    for match in _CANDIDATE.finditer(text):
        if luhn_valid(re.sub(r"[ -]", "", match.group())):
            return True
    return False


def strings_in(value: object) -> Iterable[tuple[str, str]]:
    """Every string in a nested input (mappings, lists, dataclass instances
    such as GraphQL input objects), with its camelCase path."""
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, Mapping):
            stack.extend((_join(path, str(k)), v) for k, v in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(item))
        elif is_dataclass(item) and not isinstance(item, type):
            # input objects (Strawberry inputs are dataclasses); anything else
            # (enums, numbers, dates) holds no typed text
            stack.extend(
                (_join(path, f.name), getattr(item, f.name)) for f in fields(item)
            )


def card_number_field(value: object) -> str | None:
    """The path of the first string in ``value`` that holds a card number."""
    for path, text in strings_in(value):
        if looks_like_card_number(text):
            return path or None
    return None


def _join(path: str, name: str) -> str:
    head, *rest = name.split("_")
    camel = head + "".join(part.title() for part in rest)
    return f"{path}.{camel}" if path else camel


#: The error code of a refusal for a card number (every mutation's enum has it
#: where free text is typed).
CARD_NUMBER_NOT_ALLOWED = "card_number_not_allowed"


def refuse_card_numbers(value: object) -> None:
    """Raise ``Refused`` naming the first field of ``value`` (an input object)
    that holds a card number; the message never quotes the value."""
    field = card_number_field(value)
    if field is not None:
        raise Refused(
            FieldError(
                CARD_NUMBER_NOT_ALLOWED,
                field,
                "This looks like a card number. Card numbers are never "
                "accepted here: remove it and try again.",
            )
        )
