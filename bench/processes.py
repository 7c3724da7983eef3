"""The three servers as processes: started, awaited, measured, stopped.

CPU and memory come from ``/proc``: a server's CPU is the user and system
time of its process and every descendant; PostgreSQL's is that of the
backends serving the benchmark's database (other databases on the shared
server are not counted).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A server under test, reachable at ``url`` (its GraphQL endpoint)."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    #: Other processes whose CPU counts as this server's (a store it uses).
    also: tuple[int, ...] = ()

    @property
    def pid(self) -> int:
        return self.process.pid


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, CPU ticks) of ``pid``, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name may hold spaces; the fields after it are fixed
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def tree_cpu_seconds(root: int) -> float:
    """CPU time of ``root`` and its live descendants, in seconds."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for pid in _all_pids():
        stat = _stat(pid)
        if stat is not None:
            parents[pid], ticks[pid] = stat
    total = 0
    for pid in ticks:
        walk = pid
        while walk > 1:
            if walk == root:
                total += ticks[pid]
                break
            walk = parents.get(walk, 0)
    return total / _TICKS


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """CPU time of each of ``pids`` still alive, in seconds."""
    found: dict[int, float] = {}
    for pid in pids:
        stat = _stat(pid)
        if stat is not None:
            found[pid] = stat[1] / _TICKS
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MiB."""
    total = 0
    for child in [pid, *_descendants(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _descendants(root: int) -> list[int]:
    parents = {pid: stat[0] for pid in _all_pids() if (stat := _stat(pid)) is not None}
    found: list[int] = []
    frontier = [root]
    while frontier:
        current = frontier.pop()
        children = [pid for pid, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def wait_ready(
    server: Server,
    probe: str,
    *,
    post: dict[str, Any] | None = None,
    timeout: float = 180.0,
) -> None:
    """Until ``probe`` (a URL; POSTed ``post`` as JSON if given) answers 200;
    a server that exits is an error."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}; "
                f"see {server.log}"
            )
        try:
            response = (
                httpx.get(probe, timeout=2)
                if post is None
                else httpx.post(probe, json=post, timeout=2)
            )
            if response.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{server.name} not ready in {timeout:.0f} s; see {server.log}")


@contextmanager
def started(
    name: str,
    command: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    url: str,
    probe: str,
    log: Path,
    post: dict[str, Any] | None = None,
) -> Iterator[Server]:
    """Run ``command`` as its own process group until the block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (the benchmark's own commands)
            list(command),
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, url, process, log)
    try:
        wait_ready(server, probe, post=post)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
