"""How many messages one sender may send: a sliding window of an hour.

The count is of messages the sender actually sent (refused attempts do not
count), kept by the database; the caller serialises one sender's sends
(an advisory lock per principal) so the count cannot be raced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.enums import AuditOutcome
from domain.field_errors import FieldError, Refused

RATE_LIMITED = "rate_limited"
WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class RateLimitedError(FieldError):
    """Too many messages within the window: when to try again."""

    retry_at: datetime | None = None


def rate_limited(retry: datetime, case_id: int | None = None) -> Refused:
    """The refusal of one message too many."""
    return Refused(
        RateLimitedError(
            RATE_LIMITED,
            None,
            "You have sent too many messages in the last hour. Try again later.",
            retry,
        ),
        outcome=AuditOutcome.LOCKED,
        case_id=case_id,
    )


def retry_at(
    sent: Iterable[datetime], now: datetime, limit: int, window: timedelta = WINDOW
) -> datetime | None:
    """When the sender may send again, if ``sent`` (their messages' times,
    in any order) already holds ``limit`` within ``window`` before ``now``;
    else None."""
    if limit <= 0:
        return now + window  # sending is switched off
    recent = sorted(when for when in sent if when > now - window)
    if len(recent) < limit:
        return None
    # the oldest message that has to leave the window for one more to fit
    return recent[len(recent) - limit] + window
