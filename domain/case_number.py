"""Case numbers: ten ASCII digits, as the ``cases`` table's CHECK says."""

from __future__ import annotations


def is_case_number(text: str) -> bool:
    """Whether ``text`` can be a case number (no other spelling matches one)."""
    return len(text) == 10 and text.isascii() and text.isdigit()
