"""Notification tests: a real SMTP server that records what it accepts, parties
who can be notified, the outbox and the sandbox's texts as rows."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import models as m
from db.enums import NotificationTopic
from delivery.outbox import notify
from settings import Mode, Settings
from tests.support import factories as f
from tests.support.gateway_process import free_port

#: What a party who may get texts has on file.
PHONE = "512-555-0142"
PHONE_E164 = "+15125550142"


@dataclass(frozen=True)
class Received:
    """A message the server accepted (answered 250 to)."""

    message_id: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    auto_submitted: str


class SmtpServer:
    """aiosmtpd's ``Controller`` on a free loopback port, in its own thread.

    - ``received``: what it accepted, in order;
    - ``replies``: answers for the next messages instead of accepting them
      (``"451 4.3.0 Try again later"``); ``always``: the answer to every one;
    - ``delay``: seconds every DATA takes before the answer;
    - ``hold_at(n)``: the n-th DATA waits (``held`` is set) until
      ``release()``, or until the client goes away, in which case it is
      never accepted (aiosmtpd cancels the session), as with a real server.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.replies: deque[str] = deque()
        self.always: str | None = None
        self.delay = 0.0
        self.data_commands = 0
        self.held = threading.Event()
        self._hold_at: int | None = None
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def hold_at(self, n: int) -> None:
        self._hold_at = n

    def release(self) -> None:
        self._release.set()

    @property
    def message_ids(self) -> list[str]:
        return [message.message_id for message in self.received]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.data_commands += 1
            n = self.data_commands
        if self.delay:
            await asyncio.sleep(self.delay)
        if n == self._hold_at:
            self.held.set()
            # set from the test's thread: polled, so that a client going
            # away still cancels this wait
            while not self._release.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        with self._lock:
            if self.replies:
                return self.replies.popleft()
            if self.always is not None:
                return self.always
            parsed = email.message_from_bytes(
                envelope.content, policy=email.policy.default
            )
            body = parsed.get_body(("plain",))
            self.received.append(
                Received(
                    message_id=str(parsed["Message-ID"]),
                    recipients=tuple(envelope.rcpt_tos),
                    subject=str(parsed["Subject"]),
                    body="" if body is None else body.get_content(),
                    auto_submitted=str(parsed["Auto-Submitted"]),
                )
            )
        return "250 2.0.0 OK"

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
        self._controller.stop()


def worker_settings(engine: AsyncEngine, smtp_port: int, **values: Any) -> Settings:
    """Settings for a worker on ``engine``'s database and the SMTP server on
    ``smtp_port``, retrying at once unless told otherwise."""
    row: dict[str, Any] = {
        "mode": Mode.DEMO,
        "database_url": engine.url.render_as_string(hide_password=False),
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_timeout_seconds": 5.0,
        "outbox_backoff_base_seconds": 0.0,
    }
    return Settings(**(row | values))


async def reachable_party(
    conn: AsyncConnection, *, phone_confirmed: bool = True, **values: Any
) -> int:
    """A party with an e-mail address and (by default) a confirmed phone."""
    confirmed = datetime(2025, 1, 1, tzinfo=UTC) if phone_confirmed else None
    row = {"phone": PHONE, "phone_verified_at": confirmed}
    return await f.party(conn, **(row | values))


async def queue_events(
    engine: AsyncEngine,
    party_id: int,
    count: int,
    *,
    topic: NotificationTopic = NotificationTopic.PAYMENT_RECEIVED,
    prefix: str = "event",
) -> int:
    """``count`` notifications for ``party_id`` through ``notify``; returns
    how many outbox rows that made."""
    queued = 0
    async with engine.begin() as conn:
        for n in range(count):
            queued += await notify(
                conn,
                party_id,
                topic,
                f"{prefix}-{n}",
                "A payment was received",
                "A payment was received on your case. Log in to see the details.",
            )
    return queued


async def outbox(engine: AsyncEngine) -> list[dict[str, Any]]:
    """Every outbox row, oldest first, as plain dicts."""
    async with engine.connect() as conn:
        table = m.OutboxEvent.__table__
        result = await conn.execute(select(table).order_by(table.c.id))
        return [dict(row._mapping) for row in result]


async def texts(engine: AsyncEngine) -> list[dict[str, Any]]:
    """Every text the sandbox recorded, oldest first."""
    async with engine.connect() as conn:
        table = m.SandboxSms.__table__
        result = await conn.execute(select(table).order_by(table.c.id))
        return [dict(row._mapping) for row in result]


async def table_rows(engine: AsyncEngine, *models: type[m.Base]) -> dict[str, Any]:
    """The full contents of some tables, to compare before and after."""
    contents: dict[str, Any] = {}
    async with engine.connect() as conn:
        for model in models:
            table = model.__table__
            result = await conn.execute(select(table).order_by(*table.primary_key))
            contents[table.name] = [tuple(row) for row in result]  # type: ignore[attr-defined]
    return contents
