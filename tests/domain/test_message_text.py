"""A message's text: plain, bounded, without card numbers."""

from __future__ import annotations

import pytest

from domain.field_errors import INVALID, REQUIRED
from domain.message_text import (
    BODY_COLUMN_CHARS,
    CARD_NUMBER,
    SUBJECT_COLUMN_CHARS,
    TOO_LONG,
    TextLimits,
    clean_message,
    has_control_characters,
    normalized,
    text_errors,
)

LIMITS = TextLimits(subject=20, body=50)


def _codes(subject: str | None, body: str) -> list[tuple[str, str | None]]:
    return [(e.code, e.field) for e in clean_message(subject, body, LIMITS).errors]


def test_plain_text_is_kept_with_line_breaks_and_tabs() -> None:
    cleaned = clean_message("  Address  ", "\n Hello,\n\tI moved.\n ", LIMITS)
    assert cleaned.errors == []
    assert cleaned.subject == "Address"
    assert cleaned.body == "Hello,\n\tI moved."


def test_carriage_returns_become_line_breaks() -> None:
    assert normalized("a\r\nb\rc\n") == "a\nb\nc"


def test_a_reply_has_no_subject() -> None:
    cleaned = clean_message(None, "ok", LIMITS)
    assert (cleaned.subject, cleaned.body, cleaned.errors) == (None, "ok", [])


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b",
     "\ud800"],
)  # fmt: skip
def test_control_characters_and_lone_surrogates_are_refused(char: str) -> None:
    assert has_control_characters(f"a{char}b")
    assert _codes(None, f"hello{char}world") == [(INVALID, "body")]
    assert _codes(f"hi{char}there", "body") == [(INVALID, "subject")]


def test_a_subject_is_one_line() -> None:
    assert _codes("two\nlines", "body") == [(INVALID, "subject")]
    assert not has_control_characters("tab\tin subject", multiline=False)


def test_unicode_text_is_plain_text() -> None:
    # accents, other scripts, emoji with joiners: all fine
    text = "Señora Nguyễn — 你好 👩‍👧 مرحبا"
    assert not has_control_characters(text)
    assert _codes(None, text) == []


@pytest.mark.parametrize("blank", ["", "   ", "\n\t \r\n"])
def test_empty_after_trimming_is_required(blank: str) -> None:
    assert _codes(blank, blank) == [(REQUIRED, "subject"), (REQUIRED, "body")]


def test_lengths_count_characters_at_the_limit_and_one_over() -> None:
    assert _codes("s" * 20, "é" * 50) == []
    assert _codes("s" * 21, "é" * 51) == [(TOO_LONG, "subject"), (TOO_LONG, "body")]


def test_surrounding_whitespace_does_not_count_toward_the_limit() -> None:
    assert _codes("  " + "s" * 20 + "  ", "\n" + "b" * 50 + "\n") == []


def test_settings_above_the_columns_are_capped() -> None:
    generous = TextLimits(subject=10_000, body=1_000_000)
    assert generous.capped() == TextLimits(SUBJECT_COLUMN_CHARS, BODY_COLUMN_CHARS)
    cleaned = clean_message("s" * 201, "b" * 10_001, generous)
    assert [(e.code, e.field) for e in cleaned.errors] == [
        (TOO_LONG, "subject"),
        (TOO_LONG, "body"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "my card is 4111111111111111 thanks",
        "card 4111 1111 1111 1111",
        "card 4111-1111-1111-1111",
        "5500005555555559",
    ],
)
def test_card_numbers_are_refused(text: str) -> None:
    limits = TextLimits(subject=200, body=500)
    errors = text_errors("body", text, limits.body)
    assert [(e.code, e.field) for e in errors] == [(CARD_NUMBER, "body")]
    cleaned = clean_message(text[:200], "fine", limits)
    assert [(e.code, e.field) for e in cleaned.errors] == [(CARD_NUMBER, "subject")]


def test_other_numbers_are_not_card_numbers() -> None:
    # a case number, a phone number, an order number, a failing Luhn run
    text = "Case 4100000001, call 512-555-0100, order SO41000001, 4111111111111112"
    assert _codes(None, text[:50]) == []
    assert text_errors("body", text, 500) == []


def test_every_problem_is_reported_at_once() -> None:
    errors = clean_message("\x00" * 30, "\x1b" + "x" * 60, LIMITS).errors
    assert [(e.code, e.field) for e in errors] == [
        (INVALID, "subject"),
        (TOO_LONG, "subject"),
        (INVALID, "body"),
        (TOO_LONG, "body"),
    ]


def test_invisible_text_is_empty_and_direction_overrides_are_refused() -> None:
    assert [e.code for e in text_errors("subject", "\u200b\ufeff", 200)] == ["required"]
    assert [e.code for e in text_errors("subject", "\u202egnp.exe", 200)] == ["invalid"]
