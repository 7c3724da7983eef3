"""The rules of a notification-preferences change, and the full set a party
reads, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime

from db.enums import NotificationChannel as C
from db.enums import NotificationTopic as T
from domain.field_errors import INVALID, REQUIRED
from domain.notification_preferences import (
    DUPLICATE,
    MANDATORY,
    MAX_CHOICES,
    PHONE_NOT_CONFIRMED,
    Choice,
    Stored,
    choice_errors,
    count_error,
    full_set,
)

WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def codes(choices: list[Choice], *, phone: bool = True) -> list[tuple[str, str]]:
    return [
        (e.code, e.field or "") for e in choice_errors(choices, phone_confirmed=phone)
    ]


def test_a_change_names_one_to_twelve_choices() -> None:
    assert MAX_CHOICES == 12
    assert count_error(0) is not None
    assert count_error(0).code == REQUIRED  # type: ignore[union-attr]
    assert count_error(1) is None
    assert count_error(12) is None
    assert count_error(13).code == INVALID  # type: ignore[union-attr]


def test_valid_choices_have_no_errors() -> None:
    choices = [
        Choice(T.PAYMENT_RECEIVED, C.SMS, True),
        Choice(T.PAYMENT_RECEIVED, C.EMAIL, False),
        Choice(T.SECURITY_ALERT, C.EMAIL, True),
        Choice(T.SECURITY_ALERT, C.SMS, False),
    ]
    assert codes(choices) == []


def test_texts_need_a_confirmed_phone_to_be_turned_on_not_off() -> None:
    on = Choice(T.COURT_DATE, C.SMS, True)
    off = Choice(T.NEW_MESSAGE, C.SMS, False)
    assert codes([off, on], phone=False) == [
        (PHONE_NOT_CONFIRMED, "preferences[1].channel")
    ]
    assert codes([off, on], phone=True) == []


def test_security_alerts_by_email_cannot_be_turned_off() -> None:
    assert codes([Choice(T.SECURITY_ALERT, C.EMAIL, False)]) == [
        (MANDATORY, "preferences[0].enabled")
    ]
    assert codes([Choice(T.SECURITY_ALERT, C.SMS, False)]) == []


def test_a_topic_and_channel_named_twice_is_refused_on_the_repeat() -> None:
    choices = [
        Choice(T.CASE_UPDATE, C.EMAIL, True),
        Choice(T.CASE_UPDATE, C.SMS, False),
        Choice(T.CASE_UPDATE, C.EMAIL, True),
    ]
    assert codes(choices) == [(DUPLICATE, "preferences[2]")]


def test_the_full_set_fills_defaults_and_keeps_the_mandatory_on() -> None:
    stored = [
        Stored(T.CASE_UPDATE, C.EMAIL, False, WHEN),
        Stored(T.COURT_DATE, C.SMS, True, WHEN),
        # a row from before the rule (imported, or seeded): still on
        Stored(T.SECURITY_ALERT, C.EMAIL, False, WHEN),
    ]
    preferences = full_set(stored)

    assert [(p.topic, p.channel) for p in preferences] == [
        (topic, channel) for topic in T for channel in C
    ]
    enabled = {(p.topic, p.channel): p.enabled for p in preferences}
    assert enabled == {
        (topic, channel): channel is C.EMAIL for topic in T for channel in C
    } | {(T.CASE_UPDATE, C.EMAIL): False, (T.COURT_DATE, C.SMS): True}
    dated = {(p.topic, p.channel) for p in preferences if p.updated_at == WHEN}
    assert dated == {
        (T.CASE_UPDATE, C.EMAIL),
        (T.COURT_DATE, C.SMS),
        (T.SECURITY_ALERT, C.EMAIL),
    }
    assert [(p.topic, p.channel) for p in preferences if p.mandatory] == [
        (T.SECURITY_ALERT, C.EMAIL)
    ]
