"""What a database failure means for the caller: a timeout or an outage.

Both the view (failures outside an operation) and the error policy (failures
inside a resolver) ask here, so a database that is down, frozen or saturated
answers the same way wherever it shows: HTTP 503 ``SERVICE_UNAVAILABLE``, or
504 ``TIMEOUT`` when a statement ran past its limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from sqlalchemy import exc as sa_exc


@dataclass(frozen=True, slots=True)
class Failure:
    """How a failure reaches the client: status, code and a safe message."""

    status: int
    code: str
    message: str


TIMEOUT = Failure(504, "TIMEOUT", "The request took too long and was stopped.")
UNAVAILABLE = Failure(
    503, "SERVICE_UNAVAILABLE", "Service unavailable, try again shortly."
)

#: SQLSTATEs of a statement cancelled by ``statement_timeout`` (57014) or a
#: lock wait past ``lock_timeout`` (55P03).
_TIMEOUT_STATES = frozenset({"57014", "55P03"})
#: Class 08 (connection exceptions), 53 (insufficient resources), 57P01-57P03
#: (admin shutdown, crash shutdown, cannot connect now), 58 (system errors).
_UNAVAILABLE_CLASSES = ("08", "53", "57P", "58")


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else None


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps (SQLAlchemy's ``orig``, ``__cause__``)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        orig = getattr(current, "orig", None)
        current = (
            orig if isinstance(orig, BaseException) else None
        ) or current.__cause__
    return seen


def classify(error: BaseException) -> Failure | None:
    """``TIMEOUT`` or ``UNAVAILABLE`` when ``error`` is a database failure
    rather than a defect; ``None`` otherwise."""
    for cause in _causes(error):
        state = _sqlstate(cause)
        if state in _TIMEOUT_STATES or isinstance(cause, asyncpg.QueryCanceledError):
            return TIMEOUT
        if state is not None and state.startswith(_UNAVAILABLE_CLASSES):
            return UNAVAILABLE
        if isinstance(
            cause,
            (
                sa_exc.TimeoutError,  # no pooled connection within pool_timeout
                sa_exc.DisconnectionError,
                asyncpg.PostgresConnectionError,
                asyncpg.InterfaceError,
                asyncpg.CannotConnectNowError,
                # refused or reset connections, and TimeoutError (asyncpg's
                # command_timeout, the connect timeout): all OSErrors
                OSError,
            ),
        ):
            return UNAVAILABLE
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return UNAVAILABLE
    return None
