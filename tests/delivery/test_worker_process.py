"""``./run worker`` as a real process (``python manage.py worker``): killed
mid-batch it loses nothing and repeats nothing; stopped with SIGTERM it
finishes the message in hand; in demo mode it uses the embedded cluster."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import migrate
from db.engine import create_engine
from delivery.email import message_id
from demo import embedded
from tests.support import notifications as n
from tests.support.gateway_process import ROOT
from tests.support.notifications import SmtpServer

pytestmark = pytest.mark.subprocess

DOMAIN = "case-gateway.example"
#: Longest any step below may take before the test fails instead of hanging.
PATIENCE = 30.0


def _environment(smtp_port: int, data_dir: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.pop("DATABASE_URL", None)
    return env | {
        "GATEWAY_MODE": "demo",
        "GATEWAY_DATA_DIR": str(data_dir),
        "GATEWAY_SMTP_HOST": "127.0.0.1",
        "GATEWAY_SMTP_PORT": str(smtp_port),
        "GATEWAY_OUTBOX_POLL_SECONDS": "0.05",
        **values,
    }


@contextmanager
def worker_process(
    env: dict[str, str], log: Path, *arguments: str
) -> Iterator[subprocess.Popen[bytes]]:
    """``python manage.py worker`` with ``env``; killed if a test leaves it."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", *arguments],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=PATIENCE)


async def _until(condition: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            output = await asyncio.to_thread(log.read_text)
            raise AssertionError(f"{what}: not within {PATIENCE} s\n{output}")
        await asyncio.sleep(0.02)


async def _exit_code(process: subprocess.Popen[bytes]) -> int:
    return await asyncio.to_thread(process.wait, PATIENCE)


def _url(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # given 40 notifications queued, and a slow SMTP server that will be in
    # the middle of the 12th message when the worker is killed
    async with engine.begin() as conn:
        party = await n.reachable_party(conn, phone_confirmed=False)
    assert await n.queue_events(engine, party, 40) == 40
    log = tmp_path / "worker.log"
    with SmtpServer() as smtp:
        smtp.delay = 0.02
        smtp.hold_at(12)
        env = _environment(smtp.port, tmp_path, DATABASE_URL=_url(engine))

        # when a worker is killed (SIGKILL: no clean-up at all) while it
        # holds an event it has claimed and is sending
        with worker_process(env, log) as first:
            await _until(smtp.held.is_set, "the 12th message", log)
            first.send_signal(signal.SIGKILL)
            assert await _exit_code(first) == -signal.SIGKILL
        after_kill = await n.outbox(engine)

        # and another worker starts, and is stopped once the outbox is empty
        smtp.release()
        with worker_process(env, log) as second:
            await _until(lambda: len(smtp.received) >= 40, "40 messages", log)
            await asyncio.sleep(0.2)  # time for a repeat to show, if any
            second.send_signal(signal.SIGTERM)
            assert await _exit_code(second) == 0

    # then the first worker had sent 11 (recorded as sent) and the 12th was
    # back to pending with the rest, no try counted
    assert [r["status"].value for r in after_kill] == ["sent"] * 11 + ["pending"] * 29
    assert {r["attempts"] for r in after_kill[11:]} == {0}
    # and every event arrived exactly once, each Message-ID once
    rows = await n.outbox(engine)
    expected = sorted(message_id(r["dedupe_key"], DOMAIN) for r in rows)
    assert sorted(smtp.message_ids) == expected
    assert len(set(smtp.message_ids)) == 40
    # and the outbox shows all 40 sent, each on its first recorded try
    assert {(r["status"].value, r["attempts"]) for r in rows} == {("sent", 1)}


async def test_sigterm_finishes_the_message_in_hand_then_exits(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # given 10 notifications and a worker in the middle of the third
    async with engine.begin() as conn:
        party = await n.reachable_party(conn, phone_confirmed=False)
    await n.queue_events(engine, party, 10)
    log = tmp_path / "worker.log"
    with SmtpServer() as smtp:
        smtp.hold_at(3)
        env = _environment(smtp.port, tmp_path, DATABASE_URL=_url(engine))
        with worker_process(env, log) as worker:
            await _until(smtp.held.is_set, "the third message", log)
            # when it is asked to stop, and the server then accepts the message
            worker.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.2)
            smtp.release()
            # then it exits normally
            assert await _exit_code(worker) == 0

    # having sent and recorded the message in hand, and nothing more
    statuses = [r["status"].value for r in await n.outbox(engine)]
    assert statuses == ["sent"] * 3 + ["pending"] * 7
    assert len(smtp.received) == 3


async def test_in_demo_mode_it_shares_the_embedded_cluster_with_serve(
    tmp_path: Path,
) -> None:
    # given the embedded cluster of demo mode in a data folder, running (as
    # `./run serve` leaves it), with a notification queued
    server, url = await asyncio.to_thread(
        embedded.start, tmp_path / "pg", cleanup="delete"
    )
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            party = await n.reachable_party(conn, phone_confirmed=False)
        await n.queue_events(engine, party, 1)
        log = tmp_path / "worker.log"

        def env(smtp: SmtpServer) -> dict[str, str]:
            return _environment(smtp.port, tmp_path)

        # when `./run worker --once` runs in demo mode with that folder and
        # no DATABASE_URL
        with SmtpServer() as smtp, worker_process(env(smtp), log, "--once") as w:
            assert await _exit_code(w) == 0, log.read_text()

        # then it delivered through that cluster's database
        assert len(smtp.received) == 1
        assert [r["status"].value for r in await n.outbox(engine)] == ["sent"]
        # and left the cluster running for the process that started it
        assert (tmp_path / "pg" / "postmaster.pid").exists()
    finally:
        await engine.dispose()
        await asyncio.to_thread(server.cleanup)
