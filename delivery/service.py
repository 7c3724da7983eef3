"""``./run worker``: the outbox worker as a process.

The database is ``DATABASE_URL``'s or, in demo mode without one, the embedded
cluster ``./run serve`` uses (``GATEWAY_DATA_DIR/pg``; several processes may
use it at once, and the last to leave stops it), migrated like serve does.
SIGTERM or SIGINT stops the worker after the event in hand; a second one stops
it at once (the event in hand is then sent again later: see
``delivery.worker``).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from delivery.email import SmtpMailer
from delivery.sms import SmsAdapter, sms_adapter
from delivery.worker import Outcome, RetryPolicy, Worker
from settings import Settings

log = logging.getLogger("gateway.delivery")

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def _database(settings: Settings) -> tuple[Any, str]:
    """The database URL, and the embedded cluster if this process attached it."""
    if settings.database_url:
        return None, settings.database_url
    from db import migrate
    from demo import embedded

    server, url = await asyncio.to_thread(embedded.start, settings.data_dir / "pg")
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    return server, url.render_as_string(hide_password=False)


async def _check_migrated(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        table = await conn.scalar(select(func.to_regclass("outbox_events")))
    if table is None:
        raise SystemExit(
            "gateway: the database has no outbox_events table: run ./run migrate"
        )


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()

    def stopping(signum: int) -> None:
        log.info("%s: stopping after the event in hand", signal.Signals(signum).name)
        stop.set()
        for each in _SIGNALS:  # a second signal acts as usual: at once
            loop.remove_signal_handler(each)

    for each in _SIGNALS:
        loop.add_signal_handler(each, stopping, each)


async def run_worker(settings: Settings, *, once: bool) -> Counter[Outcome]:
    """Deliver until stopped (``once``: until nothing is due); returns what
    became of the events handled (``once`` only)."""
    server, url = await _database(settings)
    engine = create_engine(url, pool_size=2, max_overflow=0)
    try:
        try:
            sms = sms_adapter(settings, engine)
        except (ValueError, ImportError, AttributeError) as exc:
            raise SystemExit(f"gateway: {exc}") from None
        try:
            return await _deliver(settings, engine, sms, once=once)
        finally:
            await sms.close()
    finally:
        await engine.dispose()
        if server is not None:
            await asyncio.to_thread(server.cleanup)


async def _deliver(
    settings: Settings, engine: AsyncEngine, sms: SmsAdapter, *, once: bool
) -> Counter[Outcome]:
    await _check_migrated(engine)
    worker = Worker(engine, SmtpMailer(settings), sms, RetryPolicy.of(settings))
    stop = asyncio.Event()
    _stop_on_signals(stop)
    if once:
        done = await worker.drain(stop)
        log.info(
            "outbox: %s sent, %s to retry, %s dead",
            done[Outcome.SENT],
            done[Outcome.RETRY],
            done[Outcome.DEAD],
        )
        return done
    log.info("outbox worker running (SMTP %s)", settings.smtp_host)
    await worker.run(stop, settings.outbox_poll_seconds)
    return Counter()
