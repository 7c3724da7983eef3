"""Account linking: who may try again when, and which party typed details match.

A login is linked to a party by proving knowledge of a case number, a date of
birth and the last four SSN digits. Guessing is slowed by lock-outs: failed
attempts are counted per login and per case number over a sliding window, and
at the maximum further attempts are refused unchecked. Refused attempts are
recorded as failures too, so retrying during a lock-out extends it.

The match compares fixed-length digests with ``hmac.compare_digest`` against
every candidate (padded with dummies to a fixed count), so the time taken does
not depend on how many characters were right or whether the case exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.case_number import is_case_number

SSN_LAST4 = re.compile(r"[0-9]{4}")

#: What is kept of a typed case number (the column's width).
STORED_CASE_NUMBER_LENGTH = 32
#: Longer input is refused as invalid before anything is looked up.
MAX_INPUT_LENGTH = 64

#: Every match compares against at least this many candidates (dummies pad a
#: case with fewer participants, or a case that does not exist).
CANDIDATE_SLOTS = 4


@dataclass(frozen=True, slots=True)
class Limits:
    """How many failures a login may have within ``window``, and a case
    number within ``case_window`` (longer: new logins are free to make, so the
    case's count is what bounds guessing one person's details)."""

    per_subject: int
    per_case: int
    window: timedelta
    case_window: timedelta | None = None

    @property
    def for_case(self) -> timedelta:
        return self.case_window or self.window


def locked_until(
    failures: Iterable[datetime], now: datetime, maximum: int, window: timedelta
) -> datetime | None:
    """When fewer than ``maximum`` of ``failures`` will be inside the window
    (``(t - window, t]`` at time ``t``), or ``None`` if that is already so now.

    With exactly ``maximum`` counted failures that is when the oldest leaves
    the window; with more, enough of the oldest must leave."""
    counted = sorted(f for f in failures if f > now - window)
    excess = len(counted) - maximum
    if excess < 0:
        return None
    return counted[excess] + window


def refused_until(
    subject_failures: Sequence[datetime],
    case_failures: Sequence[datetime],
    now: datetime,
    limits: Limits,
) -> datetime | None:
    """``None`` when an attempt at ``now`` may be checked. Otherwise the time
    from which the next one may be (``retryAt``): when both the login's and the
    case number's counts are below their maximum again, counting this refused
    attempt, which is recorded as a failure."""
    if (
        locked_until(subject_failures, now, limits.per_subject, limits.window) is None
        and locked_until(case_failures, now, limits.per_case, limits.for_case) is None
    ):
        return None
    after = [
        locked_until([*subject_failures, now], now, limits.per_subject, limits.window),
        locked_until([*case_failures, now], now, limits.per_case, limits.for_case),
    ]
    return max(t for t in after if t is not None)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A participant of the case, as the match needs it."""

    party_id: int
    date_of_birth: date
    ssn_last4: str | None


#: Never matches: typed digits are always four, the dummy's are none.
_DUMMY = Candidate(party_id=0, date_of_birth=date.min, ssn_last4="")


def _digest(date_of_birth: date, ssn_last4: str) -> bytes:
    normalised = f"{date_of_birth.isoformat()}|{ssn_last4}"
    return hashlib.sha256(normalised.encode("utf-8", "replace")).digest()


def matching_party(
    candidates: Sequence[Candidate], date_of_birth: date, ssn_last4: str
) -> int | None:
    """The one party among ``candidates`` with exactly this date of birth and
    these SSN digits, or ``None`` (none, or more than one party). Every slot
    is compared, without an early exit, whatever matched or was malformed."""
    typed = _digest(date_of_birth, ssn_last4)
    shaped = SSN_LAST4.fullmatch(ssn_last4) is not None
    padding = [_DUMMY] * max(0, CANDIDATE_SLOTS - len(candidates))
    matched: set[int] = set()
    for candidate in [*candidates, *padding]:
        stored = _digest(candidate.date_of_birth, candidate.ssn_last4 or "")
        equal = hmac.compare_digest(typed, stored)
        real = candidate.ssn_last4 is not None and candidate is not _DUMMY
        if equal & shaped & real:
            matched.add(candidate.party_id)
    return next(iter(matched)) if len(matched) == 1 else None


def overlong_field(case_number: str, ssn_last4: str) -> str | None:
    """The input field (GraphQL name) whose value is absurdly long, if any."""
    if len(case_number) > MAX_INPUT_LENGTH:
        return "caseNumber"
    if len(ssn_last4) > MAX_INPUT_LENGTH:
        return "ssnLast4"
    return None


def stored_case_number(typed: str) -> str:
    """The typed case number as kept in attempts and audit records: as typed
    (never trimmed, so the per-case count holds the only spelling that can
    match a case: ten ASCII digits), cut to the column's width, with
    characters a text column cannot hold (NUL, controls) replaced by ``?``."""
    kept = typed[:STORED_CASE_NUMBER_LENGTH]
    return "".join(c if c.isprintable() else "?" for c in kept)


def looked_up_case_number(typed: str) -> str:
    """What to look the case up by: the typed number when it can be one (ten
    ASCII digits), else a number no case has, so the same statement runs."""
    return typed if is_case_number(typed) else "0"
