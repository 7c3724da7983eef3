"""ABA routing transit numbers: the nine digits that name a US bank.

The ninth digit is a check digit: with weights 3, 7, 1 repeated over the nine
digits, the weighted sum is a multiple of 10. The first two digits say what
kind of number it is; only those an ACH credit (a direct deposit) can reach
are accepted: 01-12 (Federal Reserve districts), 21-32 (thrift institutions)
and 61-72 (electronic transactions). 00 (the US Government) and 80
(traveler's checks) never name a parent's account.
"""

from __future__ import annotations

import re

_NINE_DIGITS = re.compile(r"[0-9]{9}")
_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7, 1)
_PREFIXES = (range(1, 13), range(21, 33), range(61, 73))


def aba_checksum_valid(number: str) -> bool:
    """Whether nine digits pass the 3-7-1 check (sum of digit times weight is
    a multiple of 10)."""
    if not _NINE_DIGITS.fullmatch(number):
        return False
    weighted = zip(number, _WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in weighted)
    return total % 10 == 0


def reaches_an_account(number: str) -> bool:
    """Whether the number's first two digits are of a kind ACH credits go to."""
    prefix = int(number[:2])
    return any(prefix in allowed for allowed in _PREFIXES)


def is_routing_number(number: str) -> bool:
    """Nine digits, a valid check digit and a prefix deposits can reach."""
    return aba_checksum_valid(number) and reaches_an_account(number)
