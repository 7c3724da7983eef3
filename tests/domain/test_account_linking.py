"""Lock-outs and the match of typed details, as plain functions."""

from __future__ import annotations

import hmac
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.account_linking import (
    CANDIDATE_SLOTS,
    MAX_INPUT_LENGTH,
    Candidate,
    Limits,
    locked_until,
    matching_party,
    overlong_field,
    refused_until,
    stored_case_number,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_fewer_failures_than_the_maximum_do_not_lock() -> None:
    assert locked_until([], NOW, 5, WINDOW) is None
    assert locked_until(minutes_ago(1, 2, 3, 4), NOW, 5, WINDOW) is None


def test_the_maximum_locks_until_the_oldest_failure_leaves_the_window() -> None:
    # given five failures within the last 15 minutes, in no particular order
    failures = minutes_ago(2, 10, 1, 4, 3)

    # then the lock lasts until the oldest (10 minutes ago) is 15 minutes old
    assert locked_until(failures, NOW, 5, WINDOW) == NOW + timedelta(minutes=5)


def test_more_failures_than_the_maximum_lock_until_enough_have_left() -> None:
    # seven failures, maximum five: the three oldest must leave
    failures = minutes_ago(14, 12, 10, 8, 6, 4, 2)
    assert locked_until(failures, NOW, 5, WINDOW) == NOW + timedelta(minutes=5)


def test_failures_outside_the_window_do_not_count() -> None:
    # given five failures, of which one is older than the window
    failures = minutes_ago(20, 4, 3, 2, 1)

    # then there is no lock: four count
    assert locked_until(failures, NOW, 5, WINDOW) is None


def test_the_window_is_open_at_its_old_end() -> None:
    # a failure exactly one window old has left it; one a second younger has not
    exactly = minutes_ago(15, 1)
    almost = [NOW - WINDOW + timedelta(seconds=1), *minutes_ago(1)]
    assert locked_until(exactly, NOW, 2, WINDOW) is None
    assert locked_until(almost, NOW, 2, WINDOW) == NOW + timedelta(seconds=1)


def test_a_lock_expires_as_time_passes() -> None:
    # given a lock computed now
    failures = minutes_ago(10, 5)
    until = locked_until(failures, NOW, 2, WINDOW)
    assert until == NOW + timedelta(minutes=5)

    # then it still holds a moment before, and is gone at that time
    assert locked_until(failures, until - timedelta(microseconds=1), 2, WINDOW)
    assert locked_until(failures, until, 2, WINDOW) is None


LIMITS = Limits(per_subject=3, per_case=5, window=WINDOW)


def test_an_attempt_below_both_maxima_is_checked() -> None:
    assert (
        refused_until(minutes_ago(1, 2), minutes_ago(1, 2, 3, 4), NOW, LIMITS) is None
    )


def test_a_refused_attempt_counts_towards_its_retry_time() -> None:
    # given a login with three failures (its maximum), 9, 6 and 3 minutes ago
    subject = minutes_ago(9, 6, 3)

    # when it is refused now
    retry_at = refused_until(subject, [], NOW, LIMITS)

    # then it may try again when, counting this refused attempt, fewer than
    # three failures are left: once those of 9 and 6 minutes ago have gone
    assert retry_at == NOW + timedelta(minutes=9)
    assert locked_until([*subject, NOW], retry_at, 3, WINDOW) is None


def test_a_case_lock_refuses_any_login() -> None:
    # given a case number with five failures (from other logins), a clean login
    case = minutes_ago(14, 13, 12, 11, 10)

    # then the attempt is refused until the case count is below five again
    assert refused_until([], case, NOW, LIMITS) == NOW + timedelta(minutes=2)


def test_when_both_are_locked_the_later_time_holds() -> None:
    subject = minutes_ago(3, 2, 1)
    case = minutes_ago(14, 13, 12, 11, 10)
    retry_at = refused_until(subject, case, NOW, LIMITS)
    assert retry_at == NOW + timedelta(minutes=13)  # the login's, not the case's


DOB = date(1985, 3, 14)
ALICE = Candidate(party_id=11, date_of_birth=DOB, ssn_last4="6789")
BOB = Candidate(party_id=12, date_of_birth=date(1983, 7, 1), ssn_last4="1234")


def test_the_participant_with_exactly_these_details_matches() -> None:
    assert matching_party([ALICE, BOB], DOB, "6789") == 11
    assert matching_party([ALICE, BOB], date(1983, 7, 1), "1234") == 12


@pytest.mark.parametrize(
    ("date_of_birth", "ssn_last4"),
    [
        (date(1985, 3, 15), "6789"),  # wrong date
        (DOB, "6788"),  # wrong digits
        (DOB, "1234"),  # another participant's digits
        (DOB, "678"),  # too short
        (DOB, "67890"),  # too long
        (DOB, " 6789"),  # padded
        (DOB, "６７８９"),  # not ASCII digits  # noqa: RUF001
        (DOB, ""),
        (date.min, ""),  # the dummy's own details
    ],
)
def test_anything_else_does_not_match(date_of_birth: date, ssn_last4: str) -> None:
    assert matching_party([ALICE, BOB], date_of_birth, ssn_last4) is None


def test_no_candidates_and_no_ssn_on_record_never_match() -> None:
    # a case that does not exist is compared against dummies only
    assert matching_party([], DOB, "6789") is None
    assert matching_party([], date.min, "") is None
    # a party without SSN digits on record cannot be proven
    no_ssn = Candidate(party_id=13, date_of_birth=DOB, ssn_last4=None)
    assert matching_party([no_ssn], DOB, "") is None


def test_two_parties_with_the_same_details_are_ambiguous() -> None:
    twin = Candidate(party_id=14, date_of_birth=DOB, ssn_last4="6789")
    assert matching_party([ALICE, twin], DOB, "6789") is None
    # one party in two roles is still one party
    assert matching_party([ALICE, ALICE], DOB, "6789") == 11


def test_every_slot_is_compared_even_after_a_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a compare_digest that counts its calls
    calls: list[int] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append(len(a) + len(b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)

    # when the first candidate matches, or there is no case at all
    matching_party([ALICE, BOB], DOB, "6789")
    first = len(calls)
    matching_party([], DOB, "6789")

    # then as many fixed-length comparisons were made each time
    assert first == CANDIDATE_SLOTS
    assert len(calls) == 2 * CANDIDATE_SLOTS
    assert set(calls) == {64}


def test_absurdly_long_input_is_named_and_stored_case_numbers_are_cut() -> None:
    assert overlong_field("4100000001", "6789") is None
    assert overlong_field("4" * MAX_INPUT_LENGTH, "6" * MAX_INPUT_LENGTH) is None
    assert overlong_field("4" * (MAX_INPUT_LENGTH + 1), "6789") == "caseNumber"
    assert overlong_field("4100000001", "6" * (MAX_INPUT_LENGTH + 1)) == "ssnLast4"
    assert stored_case_number(" 41-0000-0001 ") == " 41-0000-0001 "
    assert stored_case_number("9" * 40) == "9" * 32


def test_a_case_numbers_failures_count_over_its_own_longer_window() -> None:
    # given a case number with its maximum of failures spread over a day
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    limits = Limits(
        per_subject=5,
        per_case=3,
        window=timedelta(minutes=15),
        case_window=timedelta(hours=24),
    )
    case_failures = [now - timedelta(hours=h) for h in (20, 10, 1)]

    # then a new login is still refused, until the oldest is a day old
    retry_at = refused_until([], case_failures, now, limits)
    assert retry_at == now - timedelta(hours=10) + timedelta(hours=24)
    short = Limits(per_subject=5, per_case=3, window=timedelta(minutes=15))
    assert refused_until([], case_failures, now, short) is None
