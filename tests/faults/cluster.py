"""A PostgreSQL cluster of the fault tests' own, which they may freeze or stop.

Never the shared test server: freezing that would stall every other test. The
cluster is the embedded one of demo mode (``pgserver``) in a temporary folder;
its ``postmaster.pid`` names the postmaster, whose children are the backends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pgserver
from sqlalchemy.engine import URL

from demo import embedded
from tests.support.databases import Server


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux ``/proc``)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            # "pid (comm) state ppid ...": comm may hold spaces, so split after ")"
            ppid = int(stat.rpartition(")")[2].split()[1])
            if ppid == pid:
                found.append(int(entry.name))
    return found


@dataclass
class Cluster:
    """The cluster, the databases made on it, and ways to make it fail."""

    handle: Any  # pgserver.PostgresServer
    pgdata: Path
    databases: Server

    @classmethod
    def start(cls) -> Cluster:
        if not Path("/proc/self/stat").exists():
            raise RuntimeError("freezing PostgreSQL needs Linux /proc")
        folder = Path(tempfile.mkdtemp(prefix="cgfaults-pg-"))
        handle, url = embedded.start(folder / "pg", cleanup="delete")
        return cls(handle, folder / "pg", Server(admin_url=url, embedded=handle))

    @property
    def admin_url(self) -> URL:
        return self.databases.admin_url

    def postmaster_pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """SIGSTOP the postmaster (first, so it starts no one new) and all its
        children for the block, as a server that stops answering would;
        SIGCONT them afterwards, whatever happened."""
        postmaster = self.postmaster_pid()
        stopped = [postmaster]
        try:
            os.kill(postmaster, signal.SIGSTOP)
            for child in _children(postmaster):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGSTOP)
                    stopped.append(child)
            yield
        finally:
            for pid in reversed(stopped):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """Stop the server (``pg_ctl stop -m fast``: sessions are ended) for
        the block; start it again afterwards, whatever happened."""
        pgserver.pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=self.pgdata,
            user=self.handle.system_user,
            timeout=30,
        )
        try:
            yield
        finally:
            self.handle.ensure_postgres_running()

    def stop(self) -> None:
        """Stop and delete the cluster (thawed first, should anything be left
        stopped)."""
        with contextlib.suppress(OSError, ValueError):
            postmaster = self.postmaster_pid()
            for pid in [postmaster, *_children(postmaster)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        self.databases.stop()
        shutil.rmtree(self.pgdata.parent, ignore_errors=True)
