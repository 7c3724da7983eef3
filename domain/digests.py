"""Keyed digests of secrets the gateway must match but never read back."""

from __future__ import annotations

import hashlib
import hmac


def keyed_digest(key: bytes, purpose: str, value: str) -> bytes:
    """HMAC-SHA256 of ``value`` for one ``purpose`` (32 bytes): the same value
    for two purposes never has the same digest."""
    message = f"{purpose}\x1f{value}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def same_digest(a: bytes, b: bytes) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a, b)
