"""Hidden and direction-changing characters are spotted; blank is blank."""

from __future__ import annotations

import pytest

from domain.plain_text import has_refused_characters, is_blank


@pytest.mark.parametrize(
    "text", ["\u202egnp.exe", "Ac\u200bme", "\ufeffhi", "a\u2028b", "x\u2066y\u2069"]
)
def test_hidden_and_direction_characters_are_refused(text: str) -> None:
    assert has_refused_characters(text)


@pytest.mark.parametrize("text", ["Acme Inc.", "Zoë", "👨\u200d👩\u200d👧", "مرحبا"])
def test_ordinary_text_is_not(text: str) -> None:
    assert not has_refused_characters(text)
    assert not is_blank(text)


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "\ufeff \u200d", "\t\n"])
def test_blank_text_has_nothing_visible(text: str) -> None:
    assert is_blank(text)
