"""The statements a scenario's request makes the gateway send, recorded once
through the wire relay and kept as JSON for the ceiling to replay.

Parameters keep their types through a small tagged encoding (dates, times,
decimals, UUIDs and bytes are not JSON).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.wire import Statement


@dataclass(frozen=True)
class Planned:
    sql: str
    parameters: tuple[Any, ...]


def _encode(value: Any) -> Any:
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        ((tag, text),) = value.items()
        readers: dict[str, Any] = {
            "datetime": datetime.fromisoformat,
            "date": date.fromisoformat,
            "decimal": Decimal,
            "uuid": uuid.UUID,
            "bytes": bytes.fromhex,
        }
        return readers[tag](text)
    return value


def save(path: Path, plans: dict[str, Sequence[Statement]]) -> None:
    data = {
        key: [
            {"sql": s.sql, "parameters": [_encode(v) for _, v in s.parameters]}
            for s in statements
        ]
        for key, statements in plans.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def load(path: Path) -> dict[str, list[Planned]]:
    data = json.loads(path.read_text())
    return {
        key: [
            Planned(s["sql"], tuple(_decode(v) for v in s["parameters"]))
            for s in statements
        ]
        for key, statements in data.items()
    }
