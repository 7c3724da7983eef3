"""Memory of a gateway process under the largest requests each kind of caller
may send, and under the refused attacks: resident memory before, at its peak
and after the load (the process must come back near where it started).

    .venv/bin/python bench/memory.py [--rounds 200] [--concurrency 8]

It starts its own gateway (demo mode, its data kept under ``.data/bench``; the
first run seeds it) on a free port, mints demo tokens, sends the load and
prints one line per phase. A benchmark, not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".data" / "bench"
GENEROUS = "100000/100000"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GATEWAY_DATABASE_URL", "GATEWAY_MODE"}
    }
    rates = {
        f"GATEWAY_RATE_LIMIT_{kind}": GENEROUS
        for kind in ("ANONYMOUS", "PERSON", "STAFF", "AGENCY", "ADDRESS")
    }
    return env | rates | {"GATEWAY_DATA_DIR": str(DATA), "GATEWAY_PORT": str(port)}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


@contextmanager
def gateway() -> Iterator[tuple[str, int, dict[str, str]]]:
    port = _free_port()
    env = _environment(port)
    log = (DATA.parent / "bench-gateway.log").open("wb")
    DATA.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(
                    "bench: the gateway exited; see .data/bench-gateway.log"
                )
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        yield base, process.pid, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()


def mint(persona: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own command, a fixed persona name)
        [sys.executable, "manage.py", "mint-token", persona],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _payments(aliases: int, number: str) -> str:
    pages = " ".join(
        f'p{n}: payments(first: 100, from: "20{10 + n % 15}-01-01") '
        "{ nodes { amount collectedOn source allocations { bucket amount } } }"
        for n in range(aliases)
    )
    return f'{{ case(number: "{number}") {{ orders {{ {pages} }} }} }}'


PARTNER_GRAPH = """query($n: String!) { case(number: $n) {
  caseNumber status
  participants { role party { firstName lastName dateOfBirth } }
  children { firstName dateOfBirth }
  orders { orderNumber obligations { kind amount }
    balance { totalOwed arrearsPrincipal }
    payments(first: 100) { nodes { amount collectedOn source
      allocations { bucket amount } disbursements { amount } } } }
  activities { code description } } }"""


def workloads(
    tokens: dict[str, str],
) -> list[tuple[str, str | None, dict[str, object]]]:
    """(label, token, body): the largest each kind may send, then attacks."""
    number = "4100000002"
    help_aliases = " ".join(f"h{n}: glossary {{ term definition }}" for n in range(2))
    return [
        ("anonymous: largest Help document", None, {"query": f"{{ {help_aliases} }}"}),
        (
            "parent: 10 aliased pages of 100 payments",
            tokens["obligor"],
            {"query": _payments(10, number)},
        ),
        (
            "partner: the deep case graph",
            tokens["partner"],
            {"query": PARTNER_GRAPH, "variables": {"n": number}},
        ),
        (
            "refused: 40,000 glossary aliases (869 KB)",
            None,
            {
                "query": "{ "
                + " ".join(f"a{n}: glossary {{ term }}" for n in range(40_000))
                + " }"
            },
        ),
        (
            "refused: 600 aliased payment pages (72 KB)",
            tokens["obligor"],
            {"query": _payments(600, number)},
        ),
        (
            "refused: 4,500 unknown root fields",
            tokens["obligor"],
            {"query": "{ " + " ".join(f"f{n}" for n in range(4_500)) + " }"},
        ),
    ]


async def _load(
    base: str,
    token: str | None,
    body: dict[str, object],
    rounds: int,
    concurrency: int,
    pid: int,
) -> tuple[int, dict[int, int], int]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    statuses: dict[int, int] = {}
    peak = rss_kib(pid)
    remaining = rounds

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal remaining, peak
        while remaining > 0:
            remaining -= 1
            response = await client.post("/graphql", json=body, headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            peak = max(peak, rss_kib(pid))

    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        started = time.monotonic()
        await asyncio.gather(*(one(client) for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return peak, statuses, int(elapsed * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds")
    args = parser.parse_args()
    with gateway() as (base, pid, env):
        tokens = {p: mint(p, env) for p in ("obligor", "partner")}
        # warm up each workload once (caches, pools, imports)
        loads = workloads(tokens)
        for _, token, body in loads:
            asyncio.run(_load(base, token, body, 1, 1, pid))
        start = rss_kib(pid)
        print(f"gateway pid {pid}: {start / 1024:.0f} MiB resident after warm-up")
        heading = f"{'workload':45} {'requests':>9} {'peak MiB':>9} {'after MiB':>10}"
        print(f"{heading}  statuses")
        for label, token, body in loads:
            peak, statuses, millis = asyncio.run(
                _load(base, token, body, args.rounds, args.concurrency, pid)
            )
            time.sleep(args.settle)
            after = rss_kib(pid)
            print(
                f"{label:45} {args.rounds:>9} {peak / 1024:>9.0f} {after / 1024:>10.0f}"
                f"  {dict(sorted(statuses.items()))} in {millis} ms"
            )
        end = rss_kib(pid)
        print(
            f"resident: {start / 1024:.0f} MiB at start, {end / 1024:.0f} MiB at the "
            f"end ({(end - start) / 1024:+.0f} MiB)"
        )


if __name__ == "__main__":
    main()
