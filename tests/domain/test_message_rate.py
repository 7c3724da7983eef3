"""The hourly message limit as a plain function: when a sender may send again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.message_rate import WINDOW, retry_at

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_below_the_limit_a_sender_may_send() -> None:
    assert retry_at([], NOW, 3) is None
    assert retry_at(minutes_ago(1, 2), NOW, 3) is None


def test_at_the_limit_the_oldest_message_in_the_window_decides() -> None:
    # given three messages in the last hour, in no particular order
    sent = minutes_ago(5, 50, 20)
    # then the next one may go when the one sent 50 minutes ago is an hour old
    assert retry_at(sent, NOW, 3) == NOW + timedelta(minutes=10)


def test_messages_older_than_the_window_do_not_count() -> None:
    assert retry_at(minutes_ago(60, 61, 120), NOW, 1) is None
    assert retry_at(minutes_ago(59.5, 61), NOW, 1) == NOW + timedelta(seconds=30)


def test_over_the_limit_the_retry_waits_for_enough_to_leave() -> None:
    # five sent (a lower limit set after they were), limit two: three must go
    sent = minutes_ago(10, 20, 30, 40, 50)
    assert retry_at(sent, NOW, 2) == NOW - timedelta(minutes=20) + WINDOW


def test_a_limit_of_zero_turns_sending_off() -> None:
    assert retry_at([], NOW, 0) == NOW + WINDOW
