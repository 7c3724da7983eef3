"""One-time codes that confirm a new e-mail address or phone number.

A code is six random digits, sent to the new address or phone and never
stored: the database keeps a keyed digest of it, bound to the party, the
channel and the value it confirms, so a digest is worth nothing for another
person or another address. A code expires, works once, and allows a few wrong
tries; then the change it was for is void. Only the newest code of a party
for a channel counts: a new request supersedes the pending one.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.digests import keyed_digest, same_digest

DIGITS = 6
PURPOSE = "contact-confirmation"
#: What may separate digits as typed (``123 456``, ``123-456``).
_SEPARATORS = re.compile(r"[\s-]")
#: A typed code longer than this is not looked at (wrong, whatever it is).
TYPED_MAX = 32

#: The window ``settings.confirmation_codes_per_hour`` counts codes in.
SENDING_WINDOW = timedelta(hours=1)

CODE_INVALID = "code_invalid"
CODE_EXPIRED = "code_expired"
TOO_MANY_ATTEMPTS = "too_many_attempts"
RATE_LIMITED = "rate_limited"


def new_code() -> str:
    """Six digits from the operating system's random source."""
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def typed_code(value: str) -> str:
    """What the caller typed, without separators (not checked otherwise: a
    malformed code is simply a wrong one)."""
    return _SEPARATORS.sub("", value[:TYPED_MAX])


def code_digest(
    key: bytes, party_id: int, channel: str, value: str, code: str
) -> bytes:
    """The keyed digest stored for ``code`` confirming ``value`` on ``channel``."""
    return keyed_digest(key, PURPOSE, f"{party_id}\x1f{channel}\x1f{value}\x1f{code}")


@dataclass(frozen=True, slots=True)
class StoredCode:
    """The newest confirmation of a party for a channel, as stored."""

    digest: bytes
    attempts: int
    expires_at: datetime
    consumed_at: datetime | None


class Check(StrEnum):
    """The outcome of one try."""

    CONFIRMED = "confirmed"
    #: Nothing waits for a code (none sent, already used, or superseded).
    NOTHING_PENDING = "nothing_pending"
    EXPIRED = "expired"
    #: The tries were used up earlier: the change is void.
    LOCKED = "locked"
    #: A wrong code; a try is used up.
    WRONG = "wrong"
    #: A wrong code, and the last try: the change is void now.
    WRONG_LAST = "wrong_last"

    @property
    def counts_a_try(self) -> bool:
        return self in (Check.WRONG, Check.WRONG_LAST)

    @property
    def error_code(self) -> str | None:
        """The error code answered, None when confirmed."""
        return _ERROR_CODES.get(self)


_ERROR_CODES = {
    Check.NOTHING_PENDING: CODE_INVALID,
    Check.WRONG: CODE_INVALID,
    Check.EXPIRED: CODE_EXPIRED,
    Check.LOCKED: TOO_MANY_ATTEMPTS,
    Check.WRONG_LAST: TOO_MANY_ATTEMPTS,
}


def may_send(sent_in_window: int, per_hour: int) -> bool:
    """Whether another code may go out, ``sent_in_window`` having gone to
    the party on the channel within ``SENDING_WINDOW``."""
    return sent_in_window < per_hour


def is_pending(stored: StoredCode | None, now: datetime, max_attempts: int) -> bool:
    """Whether the code still waits to be confirmed."""
    return (
        stored is not None
        and stored.consumed_at is None
        and stored.attempts < max_attempts
        and now < stored.expires_at
    )


def check_code(
    stored: StoredCode | None, typed_digest: bytes, now: datetime, max_attempts: int
) -> Check:
    """The outcome of trying a code whose digest is ``typed_digest``. The
    digests are compared in constant time."""
    if stored is None or stored.consumed_at is not None:
        return Check.NOTHING_PENDING
    if stored.attempts >= max_attempts:
        return Check.LOCKED
    if now >= stored.expires_at:
        return Check.EXPIRED
    if same_digest(stored.digest, typed_digest):
        return Check.CONFIRMED
    if stored.attempts + 1 >= max_attempts:
        return Check.WRONG_LAST
    return Check.WRONG


#: What a caller is told when a code does not confirm anything.
MESSAGES = {
    Check.NOTHING_PENDING: (
        "No change is waiting for this code: it was used already, or a newer "
        "code was sent."
    ),
    Check.WRONG: "That is not the code we sent.",
    Check.EXPIRED: "This code has expired: make the change again to get a new one.",
    Check.LOCKED: (
        "Too many wrong codes: the change is void. Make it again to get a new code."
    ),
    Check.WRONG_LAST: (
        "Too many wrong codes: the change is void. Make it again to get a new code."
    ),
}
