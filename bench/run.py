"""The benchmark: the gateway against PostGraphile 5 and a raw ceiling.

    python -m bench.run [--scale 1] [--rounds 3] [--duration 10] [--quick]
                        [--long] [--rebuild] [--no-peer] [--only KEY ...]

1. Builds or reuses ``cg_bench_s<scale>`` on ``--server`` (the gateway's
   ``migrate`` and ``seed`` commands) and works on a copy of it.
2. Counting: each server runs behind the wire relay (bench/wire.py); every
   scenario is sent a few times to count the statements PostgreSQL receives
   per request, to record the gateway's statements for the ceiling, and to
   compare the content of the three answers (a difference stops the run).
3. Load: the three servers, connected straight to PostgreSQL, get each
   scenario from autocannon (10 connections) in interleaved rounds (gateway,
   PostGraphile, ceiling, gateway, ...), each round measuring requests per
   second, latency, and CPU per request of the server and of PostgreSQL.
4. Memory: fresh servers each serve the dashboard 10,000 times (100,000 with
   ``--long``); their resident memory is read before and after.
5. Writes ``bench/results/<date>-s<scale>.md`` and PNG charts, prints the
   table, and (except ``--quick``) puts it in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

from bench import database, plan, report, servers
from bench.load import Request, Round, run_round
from bench.node import NodeMissing, NodeTools, ensure
from bench.paths import DATA, README, RESULTS, ROOT
from bench.processes import Server, free_port, rss_mib
from bench.scenarios import SCENARIOS, Facts, Scenario, canonical, differences
from bench.wire import Relay, Statement

#: Requests of each scenario whose statements are counted (after warm-up).
COUNTED = 5


@dataclass
class Counted:
    """What the counting phase learnt about one scenario on one server."""

    statements: float
    answer: Any


@dataclass
class Findings:
    facts: Facts
    counted: dict[tuple[str, str], Counted] = field(default_factory=dict)
    plans: dict[str, Sequence[Statement]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="./run bench",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument(
        "--scale", type=int, default=1, help="demo data scale (50: large)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds a round")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1 round of 3 s; memory after 300 requests",
    )
    parser.add_argument(
        "--long", action="store_true", help="memory after 100,000 requests too"
    )
    parser.add_argument("--rebuild", action="store_true", help="seed the database anew")
    parser.add_argument("--no-peer", action="store_true", help="skip PostGraphile")
    parser.add_argument(
        "--only", nargs="+", metavar="KEY", help=", ".join(s.key for s in SCENARIOS)
    )
    parser.add_argument(
        "--server",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server (its maintenance database) to build on",
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--rate-limit-store",
        default="auto",
        metavar="STORE",
        help=(
            "where the gateway keeps its rate-limit buckets: a redis:// URL, "
            "'postgresql' (the default store), or 'auto' (Redis at "
            f"{LOCAL_REDIS} if it answers, else PostgreSQL)"
        ),
    )
    parser.add_argument(
        "--update-readme", action="store_true", help="also after --quick"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.duration = 1, 3.0
    return args


# --- talking to the servers -----------------------------------------------


def _post(url: str, body: dict[str, Any], token: str | None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(url, json=body, headers=headers, timeout=60)
    if response.status_code != 200:
        raise RuntimeError(
            f"{url} answered {response.status_code}: {response.text[:300]}"
        )
    answer: dict[str, Any] = response.json()
    return answer


def _fresh(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with each ``[<id>]`` replaced, as autocannon does per request."""
    text = json.dumps(body)
    while "[<id>]" in text:
        text = text.replace("[<id>]", uuid.uuid4().hex, 1)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _errors(answer: dict[str, Any]) -> list[Any]:
    found = list(answer.get("errors") or [])
    data = answer.get("data") or {}
    for value in data.values():
        if isinstance(value, dict) and value.get("errors"):
            found.extend(value["errors"])
    return found


def _count(
    relay: Relay, send: Callable[[], dict[str, Any]]
) -> tuple[list[Statement], float, dict[str, Any]]:
    """(one request's work statements, statements a request, an answer).
    The ceiling replays the statements that build the answer: a rate-limit
    take (the gateway's bookkeeping, which under load it makes for several
    requests at once) is counted, not replayed."""
    for _ in range(3):
        send()
    time.sleep(0.2)
    relay.recorder.reset()
    answer = send()
    time.sleep(0.2)
    one = [s for s in relay.recorder.work() if "rate_limit_buckets" not in s.sql]
    relay.recorder.reset()
    for _ in range(COUNTED):
        send()
    time.sleep(0.2)
    return one, len(relay.recorder.work()) / COUNTED, answer


# --- facts the requests need ----------------------------------------------

_LARGEST_SHARED = """
SELECT c.case_number
FROM partner_case_shares s
JOIN agencies a ON a.id = s.agency_id
JOIN cases c ON c.id = s.case_id
WHERE a.code = 'OK-CSS' AND 'case:read' = ANY (s.scopes)
  AND s.shared_on <= CURRENT_DATE
  AND (s.revoked_on IS NULL OR s.revoked_on > CURRENT_DATE)
  AND NOT EXISTS (
    SELECT 1 FROM case_participants p
    JOIN family_violence_indicators f ON f.party_id = p.party_id
    WHERE p.case_id = c.id AND f.cleared_on IS NULL)
ORDER BY (SELECT count(*) FROM payments y JOIN support_orders o ON o.id = y.order_id
          WHERE o.case_id = c.id) DESC, c.case_number
LIMIT 1
"""


async def _data_facts(url: str) -> tuple[int, str]:
    connection = await asyncpg.connect(url)
    try:
        party = await connection.fetchval(
            "SELECT party_id FROM identity_links WHERE subject = 'demo-obligor' LIMIT 1"
        )
        shared = await connection.fetchval(_LARGEST_SHARED)
    finally:
        await connection.close()
    if party is None or shared is None:
        raise RuntimeError("the demo personas or the partner's shares are missing")
    return int(party), str(shared)


def _facts(url: str, gateway: Server, token: str, peer: Server | None) -> Facts:
    import asyncio

    party, shared = asyncio.run(_data_facts(url))
    dashboard = _post(gateway.url, SCENARIOS[0].gateway(None), token)  # type: ignore[arg-type]
    cases = dashboard["data"]["viewer"]["cases"]["nodes"]
    history = next((c for c in cases if c["caseNumber"] == "4100000002"), cases[-1])[
        "caseNumber"
    ]
    peer_case = ""
    if peer is not None:
        found = _post(
            peer.url,
            {
                "query": "query($n: String!) "
                "{ caseByCaseNumber(caseNumber: $n) { id } }",
                "variables": {"n": cases[0]["caseNumber"]},
            },
            None,
        )
        peer_case = found["data"]["caseByCaseNumber"]["id"]
    return Facts(
        obligor_party=party,
        history_case=history,
        partner_case=shared,
        case_id=cases[0]["id"],
        peer_case_id=peer_case,
        order_id=cases[0]["orders"][0]["id"],
        as_of=date.today(),
    )


# --- the phases -----------------------------------------------------------


@dataclass
class Setup:
    args: argparse.Namespace
    tools: NodeTools
    admin_url: str
    database: str
    scenarios: list[Scenario]
    peer: bool = True
    gateway_port: int = field(default_factory=free_port)
    peer_port: int = field(default_factory=free_port)
    ceiling_port: int = field(default_factory=free_port)
    plan_path: Path = DATA / "plan.json"
    #: The gateway's rate-limit store: a Redis URL, or None for PostgreSQL.
    rate_limit_store: str | None = None

    def url(self, port: int | None = None) -> str:
        """The benchmark database's URL, through a relay on ``port``."""
        parts = urlsplit(self.admin_url)
        user = f"{parts.username}@" if parts.username else ""
        host = f"{parts.hostname}:{port or parts.port or 5432}"
        return f"postgresql://{user}{host}/{self.database}"

    def tokens(self, url: str) -> dict[str | None, str | None]:
        personas = {s.persona for s in self.scenarios if s.persona}
        found: dict[str | None, str | None] = {
            p: servers.mint(p, url, self.gateway_port) for p in sorted(personas)
        }
        found[None] = None
        return found


@contextmanager
def _three(setup: Setup, url: str, phase: str) -> Iterator[dict[str, Server]]:
    with ExitStack() as stack:
        running = {
            "gateway": stack.enter_context(
                servers.gateway(
                    url,
                    setup.gateway_port,
                    f"{phase}-gateway.log",
                    setup.rate_limit_store,
                )
            )
        }
        if setup.peer:
            running["postgraphile"] = stack.enter_context(
                servers.postgraphile(
                    setup.tools, url, setup.peer_port, f"{phase}-postgraphile.log"
                )
            )
        if setup.plan_path.exists() and phase != "count":
            running["ceiling"] = stack.enter_context(
                servers.ceiling(
                    url, setup.plan_path, setup.ceiling_port, f"{phase}-ceiling.log"
                )
            )
        yield running


def count_and_check(setup: Setup) -> Findings:
    """Statements per request, the recorded plans, and the content check.

    The scenarios that change data (``makePayment``) come last, once the
    ceiling has been compared on the data as it was.
    """
    print("bench: counting statements and comparing answers", flush=True)
    parts = urlsplit(setup.admin_url)
    reads = [s for s in setup.scenarios if not s.unique]
    changes = [s for s in setup.scenarios if s.unique]
    with Relay(parts.hostname or "127.0.0.1", parts.port or 5432) as relay:
        url = setup.url(relay.port)
        setup.plan_path.unlink(missing_ok=True)
        with _three(setup, url, "count") as running:
            tokens = setup.tokens(url)
            gateway = running["gateway"]
            peer = running.get("postgraphile")
            findings = Findings(_facts(url, gateway, tokens["obligor"] or "", peer))
            for scenario in reads:
                _count_gateway(relay, gateway, scenario, tokens, findings)
                if peer is not None:
                    _count_peer(relay, peer, scenario, findings)
            plan.save(setup.plan_path, findings.plans)
            with servers.ceiling(
                url, setup.plan_path, setup.ceiling_port, "count-ceiling.log"
            ) as ceiling:
                for scenario in reads:
                    if scenario.ceiling:
                        _count_ceiling(relay, ceiling, scenario, findings)
            for scenario in changes:
                _count_gateway(relay, gateway, scenario, tokens, findings)
    for line in findings.mismatches:
        print(f"bench: DIFFERENT CONTENT {line}", flush=True)
    return findings


def _count_gateway(
    relay: Relay,
    gateway: Server,
    scenario: Scenario,
    tokens: dict[str | None, str | None],
    findings: Findings,
) -> None:
    token = tokens[scenario.persona]
    body = scenario.gateway(findings.facts)
    one, count, answer = _count(relay, lambda: _post(gateway.url, _fresh(body), token))
    if _errors(answer):
        raise RuntimeError(f"{scenario.key}: the gateway answered {_errors(answer)}")
    findings.counted[(scenario.key, "gateway")] = Counted(count, answer)
    if scenario.ceiling:
        findings.plans[scenario.key] = one


def _count_peer(
    relay: Relay, peer: Server, scenario: Scenario, findings: Findings
) -> None:
    if scenario.peer is None or scenario.peer_shape is None:
        return
    body = scenario.peer(findings.facts)
    _, count, answer = _count(relay, lambda: _post(peer.url, body, None))
    findings.counted[(scenario.key, "postgraphile")] = Counted(count, answer)
    mine = findings.counted[(scenario.key, "gateway")].answer
    theirs = (
        {"errors": _errors(answer)}
        if _errors(answer)
        else canonical(scenario.peer_shape(answer["data"], findings.facts))
    )
    _compare(findings, scenario, "postgraphile", canonical(mine["data"]), theirs)


def _count_ceiling(
    relay: Relay, ceiling: Server, scenario: Scenario, findings: Findings
) -> None:
    target = f"{ceiling.url}/{scenario.key}"
    body = scenario.gateway(findings.facts)
    _, count, answer = _count(relay, lambda: _post(target, body, None))
    findings.counted[(scenario.key, "ceiling")] = Counted(count, answer)
    mine = findings.counted[(scenario.key, "gateway")].answer
    _compare(
        findings,
        scenario,
        "ceiling",
        canonical(mine["data"], keep_ids=True),
        canonical(answer["data"], keep_ids=True),
    )


def _compare(
    findings: Findings, scenario: Scenario, server: str, gateway: Any, other: Any
) -> None:
    if gateway == other:
        print(f"bench:   {scenario.key}: {server} answers the same content", flush=True)
        return
    places = "; ".join(differences(gateway, other)) or "differs"
    findings.mismatches.append(f"{scenario.key}: gateway and {server}: {places}")


def _request(
    server: Server, scenario: Scenario, facts: Facts, token: str | None
) -> Request:
    if server.name == "postgraphile" and scenario.peer is not None:
        return Request(server.url, json.dumps(scenario.peer(facts)), {})
    body = json.dumps(scenario.gateway(facts))
    if server.name == "ceiling":
        return Request(f"{server.url}/{scenario.key}", body, {})
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return Request(server.url, body, headers, unique=scenario.unique)


def load(setup: Setup, findings: Findings) -> dict[str, dict[str, list[Round]]]:
    """Interleaved rounds of every scenario on every server that has it."""
    args = setup.args
    rounds: dict[str, dict[str, list[Round]]] = {}
    with _three(setup, setup.url(), "load") as running:
        tokens = setup.tokens(setup.url())
        for scenario in setup.scenarios:
            targets = [
                server
                for name, server in running.items()
                if (scenario.key, name) in findings.counted
            ]
            requests = {
                s.name: _request(s, scenario, findings.facts, tokens[scenario.persona])
                for s in targets
            }
            print(f"bench: {scenario.title}: warming up", flush=True)
            for server in targets:
                run_round(
                    setup.tools,
                    server,
                    scenario.key,
                    requests[server.name],
                    admin_url=setup.admin_url,
                    database=setup.database,
                    connections=args.connections,
                    duration=1.0 if args.quick else 2.0,
                )
            for n in range(args.rounds):
                for server in targets:
                    done = run_round(
                        setup.tools,
                        server,
                        scenario.key,
                        requests[server.name],
                        admin_url=setup.admin_url,
                        database=setup.database,
                        connections=args.connections,
                        duration=args.duration,
                    )
                    rounds.setdefault(scenario.key, {}).setdefault(
                        server.name, []
                    ).append(done)
                    failed = (
                        f", {done.failures} FAILED: {done.sample_failure}"
                        if (done.failures)
                        else ""
                    )
                    print(
                        f"bench:   round {n + 1} {server.name:12} {done.rps:8,.0f} rps "
                        f"p50 {done.p50_ms:5.0f} ms p99 {done.p99_ms:5.0f} ms "
                        f"cpu {done.server_cpu_ms:6.2f}+{done.postgres_cpu_ms:5.2f} "
                        f"ms/req{failed}",
                        flush=True,
                    )
    return rounds


def memory(setup: Setup, findings: Findings) -> list[tuple[str, int, float]]:
    """Resident memory of fresh servers after many dashboard requests."""
    args = setup.args
    steps = [300] if args.quick else [10_000]
    if args.long:
        steps.append(100_000)
    dashboard = SCENARIOS[0]
    rows: list[tuple[str, int, float]] = []
    print(
        f"bench: memory after {', '.join(f'{s:,}' for s in steps)} dashboards",
        flush=True,
    )
    with _three(setup, setup.url(), "memory") as running:
        tokens = setup.tokens(setup.url())
        for name, server in running.items():
            request = _request(server, dashboard, findings.facts, tokens["obligor"])
            served = 0
            rows.append((name, served, rss_mib(server.pid)))
            for step in steps:
                done = run_round(
                    setup.tools,
                    server,
                    dashboard.key,
                    request,
                    admin_url=setup.admin_url,
                    database=setup.database,
                    connections=args.connections,
                    amount=step - served,
                )
                served += done.requests
                rows.append((name, served, done.rss_mib))
                print(
                    f"bench:   {name:12} {served:>8,} {done.rss_mib:6.0f} MiB",
                    flush=True,
                )
    return rows


# --- the report -----------------------------------------------------------


#: The Redis server ``--rate-limit-store auto`` looks for.
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _rate_limit_store(choice: str) -> str | None:
    """The Redis URL the gateway's buckets go to, or None for PostgreSQL."""
    if choice == "postgresql":
        return None
    if choice == "auto":
        return LOCAL_REDIS if servers.redis_answering(LOCAL_REDIS) else None
    return choice


def _limiter(setup: Setup) -> str:
    if setup.rate_limit_store is None:
        return "the gateway's rate-limit buckets in PostgreSQL (its default store)"
    return (
        "the gateway's rate-limit buckets in Redis (as a deployment of several "
        "processes keeps them; the Redis server's CPU is counted in the gateway's)"
    )


def _machine(setup: Setup) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )

    async def version() -> str:
        connection = await asyncpg.connect(setup.admin_url)
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    import asyncio

    postgres = asyncio.run(version())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (read-only)
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tools = setup.tools
    node = (
        f"Node {tools.version()}, "
        f"PostGraphile {tools.package_version('postgraphile')}, "
        f"autocannon {tools.package_version('autocannon')}"
    )
    import os

    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_kib / 1024 / 1024:.0f} GiB; "
        f"PostgreSQL {postgres}; Python {platform.python_version()}; {node}; "
        f"gateway at {commit or 'unknown commit'}"
    )


def write_report(
    setup: Setup,
    findings: Findings,
    rounds: dict[str, dict[str, list[Round]]],
    memory_rows: list[tuple[str, int, float]],
    started: datetime,
) -> str:
    args = setup.args
    summaries = [
        report.summarize(
            scenario.key,
            scenario.title,
            name,
            server_rounds,
            findings.counted[(scenario.key, name)].statements,
        )
        for scenario in setup.scenarios
        for name in report.SERVERS
        if (server_rounds := rounds.get(scenario.key, {}).get(name))
    ]
    stem = f"{started:%Y-%m-%d}-s{args.scale}" + ("-quick" if args.quick else "")
    RESULTS.mkdir(parents=True, exist_ok=True)
    pictures = report.charts(summaries, RESULTS, stem)
    mode = "quick (smoke) run" if args.quick else "run"
    missing = [
        f"- {s.title}: PostGraphile has no equivalent; gateway only"
        + ("" if s.ceiling else " (the ceiling does not replay a payment)")
        for s in setup.scenarios
        if s.peer is None
    ]
    notes = "\n".join(
        [
            f"{mode} of {started:%Y-%m-%d %H:%M}, scale {args.scale}, "
            f"{args.rounds} interleaved round(s) of {args.duration:g} s per server "
            f"and scenario, {args.connections} connections (autocannon), one "
            "process per server.",
            "",
            f"Machine: {_machine(setup)}.",
            f"Rate limits: {_limiter(setup)}.",
            "",
            "rps: requests over the rounds' time; p50/p99: median over rounds; "
            "CPU: the server's process tree and the PostgreSQL backends of the "
            "benchmark's database, per request; SQL stmts/req: statements "
            "PostgreSQL received per request (counted at the wire, transaction "
            "control and connection pings left out); ratios: this row's rps "
            "over PostGraphile's and over the ceiling's. Every answer was "
            "checked: 'failed' counts non-2xx answers and answers with errors.",
            *missing,
        ]
    )
    section = "\n\n".join(
        [
            notes,
            report.table(summaries),
            "Resident memory of fresh servers serving the dashboard:",
            report.memory_table(memory_rows),
            *(f"![{p.stem}]({p.name})" for p in pictures),
        ]
    )
    path = RESULTS / f"{stem}.md"
    path.write_text(f"# Benchmark {stem}\n\n{section}\n")
    if pictures:
        print(f"bench: charts {', '.join(str(p) for p in pictures)}", flush=True)
    else:
        print("bench: no charts (matplotlib is not installed)", flush=True)
    print(f"bench: wrote {path}", flush=True)
    if not args.quick or args.update_readme:
        readme_section = section
        for p in pictures:
            readme_section = readme_section.replace(
                f"]({p.name})", f"](results/{p.name})"
            )
        report.update_readme(README, readme_section)
        print(f"bench: updated {README}", flush=True)
    return section


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    started = datetime.now()
    scenarios = [s for s in SCENARIOS if not args.only or s.key in args.only]
    try:
        tools = ensure()
    except NodeMissing as missing:
        print(
            f"bench: {missing}: the load generator (autocannon) and PostGraphile "
            "need Node.js and npm (Debian: apt-get install nodejs npm)",
            file=sys.stderr,
        )
        return 2
    base = database.prepare(args.server, args.scale, rebuild=args.rebuild)
    run_database = f"{base}_run"
    database.copy(args.server, base, run_database)
    setup = Setup(args, tools, args.server, run_database, scenarios, not args.no_peer)
    setup.rate_limit_store = _rate_limit_store(args.rate_limit_store)
    if args.no_peer:
        print("bench: PostGraphile skipped (--no-peer)", flush=True)
    try:
        findings = count_and_check(setup)
        if findings.mismatches:
            print("bench: the servers do not answer the same: no load", file=sys.stderr)
            return 1
        rounds = load(setup, findings)
        memory_rows = memory(setup, findings)
        print(write_report(setup, findings, rounds, memory_rows, started))
    finally:
        if not args.keep_database:
            database.drop(args.server, run_database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
