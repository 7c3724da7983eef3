"""Bulk-load the generated demo data with COPY, and compare loaded databases.

Everything is copied in one transaction, in foreign-key order, through the raw
asyncpg connection under SQLAlchemy's engine. Foreign keys are checked once at
the end rather than row by row; then each id sequence is moved past the
generated ids and the tables are analysed.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from db.engine import async_url
from demo.seed.generator import generate
from demo.seed.tables import COLUMNS, TABLES

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


# The foreign keys of the seeded tables. Checking them row by row costs more than
# the copy itself, so they are dropped for the copy and added back afterwards in
# the same transaction (as pg_restore does), which checks every row at once.
FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text AS table_name, c.conname AS name,
       pg_get_constraintdef(c.oid) AS definition
FROM pg_constraint c
WHERE c.contype = 'f'
  AND c.conrelid::regclass::text = ANY($1::text[])
ORDER BY c.conrelid::regclass::text, c.conname
"""


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load wrote and how long it took."""

    rows: Mapping[str, int]
    seconds: float
    generate_seconds: float
    scale: int
    seed: int
    as_of: date

    @property
    def total_rows(self) -> int:
        """Rows written across all tables."""
        return sum(self.rows.values())

    def format(self) -> str:
        """A small table: one line per table, then the total and the time."""
        width = max(len(table) for table in self.rows) if self.rows else 5
        lines = [
            f"demo data: scale {self.scale}, seed {self.seed}, as of {self.as_of}",
            *(f"  {table:<{width}} {count:>12,}" for table, count in self.rows.items()),
            f"  {'total':<{width}} {self.total_rows:>12,}",
            f"  loaded in {self.seconds:.1f} s "
            f"({self.generate_seconds:.1f} s of it generating)",
        ]
        return "\n".join(lines)


async def load(
    url_or_engine: str | URL | AsyncEngine,
    *,
    scale: int,
    seed: int,
    as_of: date,
    cases: int | None = None,
) -> LoadReport:
    """Generate and copy the demo data into an empty, migrated database.

    All or nothing: one transaction, so a failure (for instance a database that
    already holds rows with the same ids) leaves the database as it was.
    """
    if isinstance(url_or_engine, AsyncEngine):
        return await _load(url_or_engine, scale, seed, as_of, cases)
    engine = create_async_engine(async_url(url_or_engine), poolclass=NullPool)
    try:
        return await _load(engine, scale, seed, as_of, cases)
    finally:
        await engine.dispose()


async def _load(
    engine: AsyncEngine, scale: int, seed: int, as_of: date, cases: int | None
) -> LoadReport:
    started = time.perf_counter()
    rows: dict[str, int] = {}
    batches = generate(scale, seed, as_of, cases=cases)
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        apg: Any = raw.driver_connection
        async with apg.transaction():
            foreign_keys = await apg.fetch(FOREIGN_KEYS, list(TABLES))
            for key in foreign_keys:
                await apg.execute(
                    f'ALTER TABLE "{key["table_name"]}" DROP CONSTRAINT "{key["name"]}"'
                )
            generating = 0.0
            while True:
                # A worker thread generates so the event loop stays responsive.
                mark = time.perf_counter()
                batch = await asyncio.to_thread(next, batches, None)
                generating += time.perf_counter() - mark
                if batch is None:
                    break
                await apg.copy_records_to_table(
                    batch.table, records=batch.rows, columns=list(batch.columns)
                )
                rows[batch.table] = rows.get(batch.table, 0) + len(batch.rows)
            for key in foreign_keys:
                await apg.execute(
                    f'ALTER TABLE "{key["table_name"]}" ADD CONSTRAINT "{key["name"]}" '
                    f"{key['definition']}"
                )
            for table in rows:
                # Table names come from COLUMNS, never from input.
                await apg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
        await apg.execute("ANALYZE")
    ordered = {table: rows[table] for table in TABLES if table in rows}
    elapsed = time.perf_counter() - started
    return LoadReport(ordered, elapsed, generating, scale, seed, as_of)


async def is_seeded(engine: AsyncEngine) -> bool:
    """Whether the database already holds agencies (seeded, or in real use)."""
    async with engine.connect() as conn:
        found = await conn.scalar(text("SELECT EXISTS (SELECT 1 FROM agencies)"))
    return bool(found)


async def holds_demo_personas(engine: AsyncEngine) -> bool:
    """Whether the database holds the demo personas at their ids (it was
    seeded by this loader), so that demo logins may be linked to those rows.
    A database in real use never gets the development issuer's links."""
    from demo.seed import personas as p

    check = text(
        "SELECT EXISTS (SELECT 1 FROM agencies WHERE id = :agency AND code = :code)"
        " AND EXISTS (SELECT 1 FROM parties WHERE id = :party"
        " AND first_name || ' ' || last_name = :party_name)"
        " AND EXISTS (SELECT 1 FROM staff WHERE id = :staff"
        " AND first_name || ' ' || last_name = :staff_name)"
    )
    personas = p.PERSONAS
    async with engine.connect() as conn:
        found = await conn.scalar(
            check,
            {
                "agency": p.PARTNER_AGENCY_ID,
                "code": p.PARTNER_AGENCY_CODE,
                "party": p.OBLIGOR_PARTY_ID,
                "party_name": personas["obligor"].display_name,
                "staff": p.CASEWORKER_STAFF_ID,
                "staff_name": personas["caseworker"].display_name,
            },
        )
    return bool(found)


async def table_digests(engine: AsyncEngine) -> dict[str, str]:
    """An md5 per seeded table over its generated columns, rows ordered by id.

    Server-set timestamps (created_at and updated_at where the generator does
    not write them) are left out: they differ between two loads of the same
    data.
    """
    digests: dict[str, str] = {}
    async with engine.connect() as conn:
        for table, columns in COLUMNS.items():
            listed = ", ".join(columns)
            # Table and column names come from COLUMNS, never from input.
            query = (
                f"SELECT md5(coalesce(string_agg(ROW({listed})::text, ',' "  # noqa: S608
                f"ORDER BY id), '')) FROM {table}"
            )
            value = await conn.scalar(text(query))
            digests[table] = str(value)
    return digests


async def digest(engine: AsyncEngine) -> str:
    """One SHA-256 over :func:`table_digests`; equal for equal seeded data."""
    combined = hashlib.sha256()
    for table, value in (await table_digests(engine)).items():
        combined.update(f"{table}={value};".encode())
    return combined.hexdigest()
