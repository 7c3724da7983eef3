"""The results: one markdown table (printed, saved, and put in the README)
and PNG charts when matplotlib is installed."""

from __future__ import annotations

import importlib
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load import Round

SERVERS = ("gateway", "postgraphile", "ceiling")
README_START = "<!-- latest results -->"
README_END = "<!-- /latest results -->"


@dataclass(frozen=True)
class Summary:
    scenario: str
    title: str
    server: str
    rounds: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float
    postgres_cpu_ms: float
    statements: float | None
    rss_mib: float
    failures: int


def summarize(
    scenario: str,
    title: str,
    server: str,
    rounds: Sequence[Round],
    statements: float | None,
) -> Summary:
    served = sum(r.requests for r in rounds) or 1
    return Summary(
        scenario=scenario,
        title=title,
        server=server,
        rounds=len(rounds),
        requests=sum(r.requests for r in rounds),
        rps=sum(r.requests for r in rounds) / sum(r.seconds for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        server_cpu_ms=sum(r.server_cpu_ms * r.requests for r in rounds) / served,
        postgres_cpu_ms=sum(r.postgres_cpu_ms * r.requests for r in rounds) / served,
        statements=statements,
        rss_mib=rounds[-1].rss_mib,
        failures=sum(r.failures for r in rounds),
    )


def _ratio(summary: Summary, against: Summary | None) -> str:
    if against is None or against.rps == 0 or summary.server == against.server:
        return ""
    return f"{summary.rps / against.rps:.2f}x"


def _number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def table(summaries: Sequence[Summary]) -> str:
    lines = [
        "| scenario | server | rps | p50 ms | p99 ms | server CPU ms/req "
        "| PostgreSQL CPU ms/req | SQL stmts/req | RSS MiB | vs PostGraphile "
        "| vs ceiling | failed |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    by_key = {(s.scenario, s.server): s for s in summaries}
    for s in summaries:
        peer = by_key.get((s.scenario, "postgraphile"))
        ceiling = by_key.get((s.scenario, "ceiling"))
        lines.append(
            f"| {s.title} | {s.server} | {s.rps:,.0f} | {s.p50_ms:,.0f} "
            f"| {s.p99_ms:,.0f} | {_number(s.server_cpu_ms, 2)} "
            f"| {_number(s.postgres_cpu_ms, 2)} | {_number(s.statements)} "
            f"| {s.rss_mib:,.0f} | {_ratio(s, peer)} | {_ratio(s, ceiling)} "
            f"| {s.failures} |"
        )
    return "\n".join(lines)


def memory_table(rows: Sequence[tuple[str, int, float]]) -> str:
    lines = [
        "| server | dashboard requests served | RSS MiB |",
        "| --- | ---: | ---: |",
    ]
    lines.extend(f"| {server} | {n:,} | {rss:,.0f} |" for server, n, rss in rows)
    return "\n".join(lines)


def _pyplot() -> Any:
    """matplotlib's pyplot, drawing to files; None where it is not installed."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        return None
    matplotlib.use("Agg")
    return importlib.import_module("matplotlib.pyplot")


def charts(summaries: Sequence[Summary], folder: Path, stem: str) -> list[Path]:
    """Requests per second, and CPU per request (the server's, PostgreSQL's
    stacked in grey), one bar group per scenario; none without matplotlib."""
    plt = _pyplot()
    if plt is None:
        return []
    titles = list(dict.fromkeys(s.title for s in summaries))
    by_key = {(s.title, s.server): s for s in summaries}
    written: list[Path] = []
    width = 0.27
    for name, label in (
        ("rps", "requests per second"),
        ("cpu", "CPU ms per request (server; PostgreSQL in grey)"),
    ):
        figure, axes = plt.subplots(figsize=(11, 5))
        for n, server in enumerate(SERVERS):
            xs = [i + (n - 1) * width for i in range(len(titles))]
            found = [by_key.get((title, server)) for title in titles]
            if name == "rps":
                axes.bar(xs, [s.rps if s else 0 for s in found], width, label=server)
                continue
            own = [s.server_cpu_ms if s else 0 for s in found]
            database = [s.postgres_cpu_ms if s else 0 for s in found]
            axes.bar(xs, own, width, label=server)
            axes.bar(xs, database, width, bottom=own, color="grey", alpha=0.5)
        axes.set_xticks(range(len(titles)), titles, rotation=20, ha="right")
        axes.set_ylabel(label)
        axes.set_title(f"{label}, {stem}")
        axes.legend()
        figure.tight_layout()
        path = folder / f"{stem}-{name}.png"
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written


def update_readme(readme: Path, section: str) -> None:
    """Replace the README's results section (between its markers)."""
    text = readme.read_text()
    pattern = re.compile(
        re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL
    )
    replacement = f"{README_START}\n{section.strip()}\n{README_END}"
    readme.write_text(pattern.sub(lambda _: replacement, text))
