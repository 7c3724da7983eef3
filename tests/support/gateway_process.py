"""Start the README's first command (`./run serve`) as a separate process."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Gateway:
    base_url: str
    port: int
    log_path: Path
    #: Set when the process has stopped: whether its PostgreSQL outlived it.
    left_postgres_running: bool | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _environment(data_dir: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GATEWAY_DATABASE_URL", "GATEWAY_MODE"}
    }
    return env | {"GATEWAY_DATA_DIR": str(data_dir), "GATEWAY_PORT": str(port)}


def mint_token(data_dir: Path, gateway: Gateway, persona: str) -> str:
    """A development-issuer token from the README's `./run mint-token`."""
    done = subprocess.run(
        [str(ROOT / "run"), "mint-token", persona],
        cwd=ROOT,
        env=_environment(data_dir, gateway.port),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


@contextmanager
def running_gateway(data_dir: Path, log_path: Path) -> Iterator[Gateway]:
    """Run `./run serve` on a free port with ``data_dir``; stop it afterwards."""
    port = free_port()
    env = _environment(data_dir, port)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(ROOT / "run"), "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    gateway = Gateway(f"http://127.0.0.1:{port}", port, log_path)
    try:
        wait_until_answering(gateway, process, "/readyz")
        yield gateway
    finally:
        stop(process)
        gateway.left_postgres_running = (data_dir / "pg" / "postmaster.pid").exists()
        _stop_leftover_postgres(data_dir / "pg")


def _stop_leftover_postgres(pgdata: Path) -> None:
    """Never leave a cluster running after a test, whatever the gateway did
    (the test asserts separately that the gateway stopped it itself)."""
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists():
        first_line = pid_file.read_text().split("\n", 1)[0].strip()
        if first_line.isdigit():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(first_line), signal.SIGINT)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL if it is still there after 30 s."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_until_answering(
    gateway: Gateway,
    process: subprocess.Popen[bytes],
    path: str,
    *,
    seconds: float = STARTUP_SECONDS,
    interval: float = 0.3,
) -> None:
    """Until ``path`` answers 200; fails if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gateway exited early:\n{gateway.log()}")
        try:
            if httpx.get(f"{gateway.base_url}{path}", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(interval)
    raise AssertionError(
        f"gateway: {path} did not answer in {seconds} s:\n{gateway.log()}"
    )
