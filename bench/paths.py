"""Where the benchmark keeps what it generates (all git-ignored)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Node packages, logs, the captured plans and the development issuer's key.
DATA = ROOT / ".data" / "bench"
NODE_DIR = DATA / "node"
LOGS = DATA / "logs"
RESULTS = ROOT / "bench" / "results"
README = ROOT / "bench" / "README.md"
