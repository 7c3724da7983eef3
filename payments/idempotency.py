"""Idempotency keys (Stripe's model), kept in ``idempotency_keys``.

A key belongs to its caller (principal kind and id) and an operation; it is
bound to the SHA-256 digest of the normalized request that first used it and
to what that request produced. Requests with one key are serialised by a
transaction-scoped advisory lock on the key, taken before the key is read, so
of 20 identical requests exactly one finds no key and creates the payment.
An expired key is deleted when it is used again, and used as new.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, Interval, and_, delete, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.principal import Principal, PrincipalKind
from db.enums import ActorKind, PaymentStatus
from db.models import IdempotencyKey, Payment

OPERATION = "make_payment"

_ACTORS = {
    PrincipalKind.PARTY: ActorKind.PARTY,
    PrincipalKind.STAFF: ActorKind.STAFF,
    PrincipalKind.AGENCY: ActorKind.AGENCY,
}


def owner_of(principal: Principal) -> tuple[ActorKind, int]:
    """Whose keys these are."""
    return _ACTORS[principal.kind], principal.id


def lock_key(owner: tuple[ActorKind, int], operation: str, key: str) -> int:
    """A stable signed 64-bit advisory-lock key for one idempotency key."""
    text_ = "\x1f".join(("idempotency", owner[0].value, str(owner[1]), operation, key))
    digest = hashlib.sha256(text_.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def lock(
    conn: AsyncConnection, owner: tuple[ActorKind, int], operation: str, key: str
) -> None:
    """Wait for any other request with this key to finish its transaction."""
    number = literal(lock_key(owner, operation, key), BigInteger)
    await conn.execute(select(func.pg_advisory_xact_lock(number)))


def _where(owner: tuple[ActorKind, int], operation: str, key: str) -> list[Any]:
    return [
        IdempotencyKey.actor_kind == owner[0],
        IdempotencyKey.actor_id == owner[1],
        IdempotencyKey.operation == operation,
        IdempotencyKey.key == key,
    ]


async def find(
    conn: AsyncConnection, owner: tuple[ActorKind, int], operation: str, key: str
) -> Any:
    """The key's row if it is in force (take the lock first); an expired one
    is deleted, so the key can be used as new, unless its payment is still
    pending: that key answers until the payment is settled, or a retry after
    a long silence would charge again."""
    where = _where(owner, operation, key)
    await conn.execute(delete(IdempotencyKey).where(*where, _expired()))
    return (
        await conn.execute(
            select(IdempotencyKey.request_digest, IdempotencyKey.payment_id).where(
                *where
            )
        )
    ).one_or_none()


async def remember(
    conn: AsyncConnection,
    owner: tuple[ActorKind, int],
    operation: str,
    key: str,
    digest: bytes,
    payment_id: int,
    ttl_hours: int,
) -> None:
    """Bind the key to the request's digest and its payment, until it expires."""
    await conn.execute(
        insert(IdempotencyKey).values(
            actor_kind=owner[0],
            actor_id=owner[1],
            operation=operation,
            key=key,
            request_digest=digest,
            payment_id=payment_id,
            expires_at=func.now() + literal(timedelta(hours=ttl_hours), Interval),
        )
    )


async def forget_expired(conn: AsyncConnection) -> int:
    """Delete every expired key; how many there were."""
    result = await conn.execute(
        delete(IdempotencyKey).where(_expired()).returning(IdempotencyKey.id)
    )
    return len(result.all())


def _expired() -> Any:
    """Past its time, and not naming a payment still pending."""
    pending = select(Payment.id).where(Payment.status == PaymentStatus.PENDING)
    return and_(
        IdempotencyKey.expires_at <= func.now(),
        or_(
            IdempotencyKey.payment_id.is_(None),
            IdempotencyKey.payment_id.not_in(pending),
        ),
    )
