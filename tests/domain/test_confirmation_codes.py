"""One-time codes: random, bound to what they confirm, single-use, expiring,
attempt-limited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.confirmation_codes import (
    MESSAGES,
    Check,
    StoredCode,
    check_code,
    code_digest,
    is_pending,
    may_send,
    new_code,
    typed_code,
)

KEY = b"k" * 32
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=15)


def _stored(code: str = "123456", **changes: object) -> StoredCode:
    values: dict[str, object] = {
        "digest": code_digest(KEY, 7, "email", "new@mail.example", code),
        "attempts": 0,
        "expires_at": LATER,
        "consumed_at": None,
    } | changes
    return StoredCode(**values)  # type: ignore[arg-type]


def _typed(code: str) -> bytes:
    return code_digest(KEY, 7, "email", "new@mail.example", typed_code(code))


def test_codes_are_six_random_digits() -> None:
    codes = {new_code() for _ in range(200)}
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) > 190


def test_a_digest_is_bound_to_the_party_channel_value_and_key() -> None:
    base = code_digest(KEY, 7, "email", "new@mail.example", "123456")
    assert len(base) == 32
    others = {
        code_digest(KEY, 8, "email", "new@mail.example", "123456"),
        code_digest(KEY, 7, "sms", "new@mail.example", "123456"),
        code_digest(KEY, 7, "email", "other@mail.example", "123456"),
        code_digest(KEY, 7, "email", "new@mail.example", "123457"),
        code_digest(b"j" * 32, 7, "email", "new@mail.example", "123456"),
    }
    assert base not in others
    assert len(others) == 5


def test_typed_codes_lose_their_separators() -> None:
    assert typed_code(" 123 456 ") == "123456"
    assert typed_code("123-456") == "123456"
    assert typed_code("1" * 100) == "1" * 32


def test_the_right_code_confirms() -> None:
    assert check_code(_stored(), _typed("123 456"), NOW, 5) is Check.CONFIRMED


@pytest.mark.parametrize(
    ("stored", "typed", "expected"),
    [
        (None, "123456", Check.NOTHING_PENDING),
        (_stored(consumed_at=NOW), "123456", Check.NOTHING_PENDING),
        (_stored(expires_at=NOW), "123456", Check.EXPIRED),
        (_stored(attempts=5), "123456", Check.LOCKED),
        (_stored(attempts=5, expires_at=NOW), "123456", Check.LOCKED),
        (_stored(), "654321", Check.WRONG),
        (_stored(attempts=3), "654321", Check.WRONG),
        (_stored(attempts=4), "654321", Check.WRONG_LAST),
        (_stored(), "", Check.WRONG),
    ],
)
def test_every_other_outcome(
    stored: StoredCode | None, typed: str, expected: Check
) -> None:
    assert check_code(stored, _typed(typed), NOW, 5) is expected


def test_only_wrong_codes_count_a_try() -> None:
    counting = {check for check in Check if check.counts_a_try}
    assert counting == {Check.WRONG, Check.WRONG_LAST}


def test_every_failure_has_an_error_code_and_a_message() -> None:
    assert Check.CONFIRMED.error_code is None
    assert {check.error_code for check in Check if check is not Check.CONFIRMED} == {
        "code_invalid",
        "code_expired",
        "too_many_attempts",
    }
    assert set(MESSAGES) == set(Check) - {Check.CONFIRMED}


def test_pending_means_unused_unexpired_and_tries_left() -> None:
    assert is_pending(_stored(), NOW, 5)
    assert not is_pending(None, NOW, 5)
    assert not is_pending(_stored(consumed_at=NOW), NOW, 5)
    assert not is_pending(_stored(expires_at=NOW), NOW, 5)
    assert not is_pending(_stored(attempts=5), NOW, 5)


def test_codes_may_be_sent_up_to_the_hourly_limit() -> None:
    assert may_send(0, 5)
    assert may_send(4, 5)
    assert not may_send(5, 5)
    assert not may_send(0, 0)
