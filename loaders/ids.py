"""Opaque global IDs, computed by PostgreSQL in the same statement as the row.

An ID is ``base64url("<Type>:<primary key>")`` without padding. Building it in
SQL keeps per-object Python work off the hot path.
"""

from __future__ import annotations

import base64
import binascii

from sqlalchemy import ColumnElement, String, cast, func, literal
from sqlalchemy.orm import QueryableAttribute

_TYPES = frozenset(
    {"Case", "Order", "Payment", "Child", "Party", "MessageThread", "Message"}
)


def global_id(
    type_name: str, pk: ColumnElement[int] | QueryableAttribute[int]
) -> ColumnElement[str]:
    """SQL expression for the global ID of ``type_name`` row ``pk``."""
    text = literal(f"{type_name}:", String) + cast(pk, String)
    raw = func.encode(func.convert_to(text, "UTF8"), "base64")
    return func.rtrim(func.translate(raw, "+/", "-_"), "=")


def encode(type_name: str, pk: int) -> str:
    """The same ID, computed in Python."""
    raw = base64.urlsafe_b64encode(f"{type_name}:{pk}".encode())
    return raw.decode().rstrip("=")


def decode(value: str) -> tuple[str, int] | None:
    """``(type name, primary key)`` of a well-formed ID, else None."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, pk = text.partition(":")
    if type_name not in _TYPES or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    return type_name, int(pk)
