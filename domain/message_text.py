"""What a message's subject and body may hold: plain text of bounded length.

Line breaks are kept as ``\\n`` (``\\r\\n`` and a lone ``\\r`` become ``\\n``,
as browsers send either), tabs are kept, surrounding whitespace is dropped.
Any other control character (NUL, escape sequences, C1 controls), lone
surrogates, direction overrides and hidden characters (``domain.plain_text``)
are refused rather than silently removed, so what is stored is
exactly what the sender saw. A subject is one line. Lengths count characters
(code points, as PostgreSQL's ``length`` does). Raw card numbers are refused
(PCI DSS: they must never be stored), whichever field holds them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from domain.card_numbers import looks_like_card_number
from domain.field_errors import INVALID, REQUIRED, FieldError
from domain.plain_text import has_refused_characters, is_blank

TOO_LONG = "too_long"
CARD_NUMBER = "card_number_not_allowed"

#: The database's limits (``messages.body`` 1..10000, ``subject`` 200): a
#: setting above them is capped here.
BODY_COLUMN_CHARS = 10_000
SUBJECT_COLUMN_CHARS = 200

_KEPT = frozenset("\n\t")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})


@dataclass(frozen=True, slots=True)
class TextLimits:
    """Longest subject and body, in characters."""

    subject: int
    body: int

    def capped(self) -> TextLimits:
        """Within what the columns hold."""
        return TextLimits(
            min(self.subject, SUBJECT_COLUMN_CHARS), min(self.body, BODY_COLUMN_CHARS)
        )


def normalized(text: str) -> str:
    """Line breaks as ``\\n``, surrounding whitespace dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    """Whether ``text`` holds a control character other than a tab (or a line
    break, when ``multiline``), or a lone surrogate."""
    kept = _KEPT if multiline else frozenset("\t")
    return has_refused_characters(text) or any(
        char not in kept and unicodedata.category(char) in _REFUSED_CATEGORIES
        for char in text
    )


def text_errors(
    field: str, text: str, maximum: int, *, multiline: bool = True
) -> list[FieldError]:
    """Every reason ``text`` (already ``normalized``) cannot be sent."""
    if is_blank(text):
        return [FieldError(REQUIRED, field, "This cannot be empty.")]
    errors: list[FieldError] = []
    if has_control_characters(text, multiline=multiline):
        what = "line breaks and tabs" if multiline else "tabs"
        errors.append(
            FieldError(
                INVALID,
                field,
                f"Only plain text: no control characters other than {what}.",
            )
        )
    if len(text) > maximum:
        errors.append(
            FieldError(TOO_LONG, field, f"At most {maximum} characters, please.")
        )
    if looks_like_card_number(text):
        errors.append(
            FieldError(
                CARD_NUMBER,
                field,
                "Never send a card number in a message: remove it and try again.",
            )
        )
    return errors


@dataclass(frozen=True, slots=True)
class CleanText:
    """A message's text, ready to store, or why it cannot be."""

    subject: str | None
    body: str
    errors: list[FieldError]


def clean_message(subject: str | None, body: str, limits: TextLimits) -> CleanText:
    """Normalize and check a subject (None for a reply, which has none) and
    a body, reporting every error of both."""
    capped = limits.capped()
    errors: list[FieldError] = []
    clean_subject = None
    if subject is not None:
        clean_subject = normalized(subject)
        errors += text_errors("subject", clean_subject, capped.subject, multiline=False)
    clean_body = normalized(body)
    errors += text_errors("body", clean_body, capped.body)
    return CleanText(clean_subject, clean_body, errors)
