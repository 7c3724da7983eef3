"""The outbox worker: due notifications delivered one at a time, each in its
own transaction, by as many workers as are running.

One event (``Worker.deliver_one``):

1. ``BEGIN``; claim the oldest due ``pending`` row with ``SELECT ... FOR
   UPDATE SKIP LOCKED``: workers running at once never get the same row and
   never wait for one another;
2. send it (``delivery.email`` or the SMS adapter) while the row stays locked;
3. mark it ``sent`` (or schedule a retry, or dead-letter it); ``COMMIT``.

A worker that dies anywhere before its commit (killed, crashed, its machine
gone) loses its database session: PostgreSQL rolls the transaction back and
releases the lock, and the row is ``pending`` as before, so another worker, or
the next start, sends it. Nothing is lost. A row marked ``sent`` is never
claimed again (the claim re-checks ``status`` on the row it locks).

The one window in which an event can go out twice: the channel accepted it
(the SMTP server answered the end of DATA with 250, or the SMS provider said
yes) and the worker died, or lost its database connection, before its
``COMMIT`` reached PostgreSQL. The window is one ``UPDATE`` and one ``COMMIT``
long (a millisecond or two), holds at most the one event each worker has in
hand, and the copy carries the same ``Message-ID`` (derived from the dedupe
key) so that receivers drop it; the SMS sandbox, and any provider given the
dedupe key as its idempotency key, drops the repeat itself. A worker that
hangs instead of dying holds its row at most
``idle_in_transaction_session_timeout`` (set per claim, above the SMTP
timeout): PostgreSQL then ends its session and the row is free again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.enums import NotificationChannel, OutboxStatus
from db.models import OutboxEvent
from delivery.email import Mailer
from delivery.errors import DeliveryError
from delivery.sms import SmsAdapter, e164
from settings import Settings

log = logging.getLogger("gateway.delivery")

_E = OutboxEvent
_CLAIM = (
    select(
        _E.id,
        _E.channel,
        _E.destination,
        _E.subject,
        _E.body,
        _E.dedupe_key,
        _E.attempts,
    )
    .where(_E.status == OutboxStatus.PENDING, _E.next_attempt_at <= func.now())
    .order_by(_E.next_attempt_at, _E.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)


@dataclass(frozen=True, slots=True)
class Claimed:
    """The claimed row's columns ``_CLAIM`` reads, in its order."""

    id: int
    channel: NotificationChannel
    destination: str
    subject: str
    body: str
    dedupe_key: str
    attempts: int


class Outcome(StrEnum):
    """What became of one claimed event."""

    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Tries per event, and the back-off between them."""

    max_attempts: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 3600.0
    #: Longest a claim may sit idle in its transaction (the SMTP timeout and
    #: some): past it PostgreSQL ends the session and frees the row.
    hold_seconds: float = 70.0

    @classmethod
    def of(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_attempts=settings.outbox_max_attempts,
            base_seconds=settings.outbox_backoff_base_seconds,
            max_seconds=settings.outbox_backoff_max_seconds,
            hold_seconds=2 * settings.smtp_timeout_seconds + 10,
        )

    def delay(self, attempts: int, jitter: float) -> float:
        """Seconds to wait after the ``attempts``-th failed try: base times
        2^(attempts-1), times ``jitter`` (0.8 to 1.2, so that events that
        failed together do not all retry together), at most the cap."""
        exponent = min(max(attempts - 1, 0), 60)
        return min(self.max_seconds, self.base_seconds * 2.0**exponent * jitter)


def _jitter() -> float:
    return random.uniform(0.8, 1.2)  # noqa: S311 - spreading retries, not a secret


class Worker:
    """Delivers due outbox events through ``mailer`` and ``sms``."""

    def __init__(
        self,
        engine: AsyncEngine,
        mailer: Mailer,
        sms: SmsAdapter,
        policy: RetryPolicy,
        *,
        jitter: Callable[[], float] = _jitter,
    ) -> None:
        self.engine = engine
        self.mailer = mailer
        self.sms = sms
        self.policy = policy
        self.jitter = jitter

    async def deliver_one(self) -> Outcome | None:
        """Claim, send and record one due event; None when none is due."""
        async with self.engine.begin() as conn:
            await conn.execute(
                select(
                    func.set_config(
                        "idle_in_transaction_session_timeout",
                        f"{int(self.policy.hold_seconds * 1000)}ms",
                        True,
                    )
                )
            )
            row = (await conn.execute(_CLAIM)).one_or_none()
            if row is None:
                return None
            event = Claimed(*row)
            failure = await self._send(event)
            outcome, values = self._result(event, failure)
            await conn.execute(update(_E).where(_E.id == event.id).values(**values))
        if failure is None:
            log.info("outbox event %s sent", event.id)
        else:
            log.warning(
                "outbox event %s, try %s: %s (%s)",
                event.id,
                event.attempts + 1,
                failure.reason,
                outcome.value,
            )
        return outcome

    async def _send(self, event: Claimed) -> DeliveryError | None:
        try:
            if event.channel is NotificationChannel.EMAIL:
                await self.mailer.send(
                    event.destination, event.subject, event.body, event.dedupe_key
                )
            else:
                await self.sms.send(
                    e164(event.destination), event.body, event.dedupe_key
                )
        except DeliveryError as failure:
            return failure
        except Exception as exc:
            # an adapter's bug must not stop the queue: retried like any
            # failure, its class stored (its text may hold anything)
            log.exception("outbox event %s: unexpected failure", event.id)
            return DeliveryError(f"unexpected: {type(exc).__name__}")
        return None

    def _result(
        self, event: Claimed, failure: DeliveryError | None
    ) -> tuple[Outcome, dict[str, Any]]:
        attempts = event.attempts + 1
        if failure is None:
            # the text is not kept once delivered: it may hold a one-time code
            sent = {"sent_at": func.clock_timestamp(), "last_error": None, "body": ""}
            return Outcome.SENT, {
                "status": OutboxStatus.SENT,
                "attempts": attempts,
                **sent,
            }
        if failure.permanent or attempts >= self.policy.max_attempts:
            return Outcome.DEAD, {
                "status": OutboxStatus.DEAD,
                "attempts": attempts,
                "last_error": failure.reason,
            }
        wait = timedelta(seconds=self.policy.delay(attempts, self.jitter()))
        return Outcome.RETRY, {
            "attempts": attempts,
            "last_error": failure.reason,
            "next_attempt_at": func.clock_timestamp() + wait,
        }

    async def drain(self, stop: asyncio.Event | None = None) -> Counter[Outcome]:
        """Deliver what is due until nothing is (or ``stop`` is set: the
        event in hand is finished first)."""
        done: Counter[Outcome] = Counter()
        try:
            while stop is None or not stop.is_set():
                outcome = await self.deliver_one()
                if outcome is None:
                    break
                done[outcome] += 1
        finally:
            await self.mailer.close()
        return done

    async def run(self, stop: asyncio.Event, poll_seconds: float) -> None:
        """Drain, wait ``poll_seconds`` (or until ``stop``), again, until
        ``stop`` is set; a database outage is waited out, not fatal."""
        while not stop.is_set():
            try:
                await self.drain(stop)
            except (SQLAlchemyError, OSError) as exc:
                log.warning("outbox: database unavailable (%s)", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)
