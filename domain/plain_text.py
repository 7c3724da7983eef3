"""Invisible characters that plain text from a person has no use for.

Direction overrides and isolates can make stored text read differently from
what it holds (``\\u202egnp.exe`` shows as ``exe.png``); zero-width spaces, word
joiners and byte-order marks hide inside names and make "empty" text look
filled; line and paragraph separators break one-line values in other tools.
They are refused. Joiners (U+200C, U+200D) stay: scripts and emoji need them.
Text with nothing visible in it counts as empty.
"""

from __future__ import annotations

import re
import unicodedata

REFUSED = re.compile(
    "[\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def has_refused_characters(text: str) -> bool:
    """Whether ``text`` holds a direction control or a hidden character."""
    return REFUSED.search(text) is not None


def is_blank(text: str) -> bool:
    """Nothing visible: only whitespace and format characters."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)
