"""The gateway as a separate process in production mode, on a database and an
issuer the test chooses, with settings from ``GATEWAY_*`` variables; unlike
``tests/support/gateway_process.py`` it waits only for ``/healthz``, so a
gateway that is alive but not ready (that is the point) can be tested."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from tests.support.api import TEST_DIGEST_KEY
from tests.support.gateway_process import (
    ROOT,
    Gateway,
    free_port,
    stop,
    wait_until_answering,
)

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
        wait_until_answering(
            gateway, process, "/healthz", seconds=STARTUP_SECONDS, interval=0.1
        )
        yield gateway
    except BaseException:
        print(f"gateway log:\n{gateway.log()}")  # shown with the failure
        raise
    finally:
        stop(process)
