"""The gateway as a separate process in production mode, on a database and an
issuer the test chooses, with settings from ``GATEWAY_*`` variables; unlike
``tests/support/gateway_process.py`` it waits only for ``/healthz``, so a
gateway that is alive but not ready (that is the point) can be tested."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.engine import URL

from tests.support.api import TEST_DIGEST_KEY
from tests.support.gateway_process import ROOT, Gateway, free_port

STARTUP_SECONDS = 60.0


def environment(
    database: URL, issuer_url: str, port: int, data_dir: Path, **settings: object
) -> dict[str, str]:
    """The process's environment: no database or mode inherited from ours."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("GATEWAY_") and name != "DATABASE_URL"
    }
    return inherited | {
        "GATEWAY_MODE": "production",
        "GATEWAY_DATABASE_URL": database.render_as_string(hide_password=False),
        "GATEWAY_OIDC_ISSUER": issuer_url,
        "GATEWAY_DIGEST_KEY": TEST_DIGEST_KEY,
        "GATEWAY_PORT": str(port),
        "GATEWAY_DATA_DIR": str(data_dir),
        **{f"GATEWAY_{name.upper()}": str(value) for name, value in settings.items()},
    }


@contextmanager
def gateway_process(
    database: URL, issuer_url: str, workdir: Path, settings: Mapping[str, object]
) -> Iterator[Gateway]:
    """``manage.py serve`` (what ``./run serve`` runs) until the block ends."""
    port = free_port()
    env = environment(database, issuer_url, port, workdir / "data", **settings)
    log_path = workdir / "gateway.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    gateway = Gateway(f"http://127.0.0.1:{port}", port, log_path)
    try:
        _wait_alive(gateway, process)
        yield gateway
    except BaseException:
        print(f"gateway log:\n{gateway.log()}")  # shown with the failure
        raise
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_alive(gateway: Gateway, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gateway exited early:\n{gateway.log()}")
        try:
            if httpx.get(f"{gateway.base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gateway not up in {STARTUP_SECONDS} s:\n{gateway.log()}")
