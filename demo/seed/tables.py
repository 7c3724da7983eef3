"""The seeded tables, their columns in foreign-key order, and the row sink.

The generator writes rows into a :class:`Sink`, which hands out explicit ids
and drains in foreign-key order as :class:`TableBatch` chunks, so a loader can
copy them one after another without deferring any constraint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Row = tuple[Any, ...]

# Every table the generator fills, parents before children; ``id`` first.
# Server-default timestamps (created_at, updated_at) are left to the database.
COLUMNS: dict[str, tuple[str, ...]] = {
    "agencies": (
        "id", "code", "name", "kind", "state", "county", "address_line1", "city",
        "postal_code", "phone", "email", "office_hours",
    ),
    "staff": ("id", "agency_id", "first_name", "last_name", "role", "email", "phone"),
    "employers": (
        "id", "name", "fein", "address_line1", "city", "state", "postal_code", "phone",
    ),
    "glossary_terms": ("id", "term", "definition"),
    "faq_entries": ("id", "position", "category", "question", "answer"),
    "parties": (
        "id", "first_name", "middle_name", "last_name", "date_of_birth", "ssn_digest",
        "ssn_last4", "address_line1", "address_line2", "city", "state", "postal_code",
        "phone", "email", "email_verified_at",
    ),
    "disbursement_preferences": ("id", "party_id", "method", "account_last4"),
    "family_violence_indicators": (
        "id", "party_id", "code", "set_on", "set_by_staff_id", "cleared_on",
    ),
    "employments": (
        "id", "party_id", "employer_id", "start_date", "end_date",
        "income_withholding", "verified",
    ),
    "cases": (
        "id", "case_number", "status", "case_type", "assistance_status", "office_id",
        "caseworker_id", "opened_on", "closed_on",
    ),
    "case_participants": ("id", "case_id", "party_id", "role"),
    "children": (
        "id", "first_name", "last_name", "date_of_birth", "expected_emancipation_date",
        "address_line1", "city", "state", "postal_code",
    ),
    "case_children": ("id", "case_id", "child_id"),
    "support_orders": (
        "id", "case_id", "order_number", "issuing_court", "cause_number", "status",
        "effective_date", "end_date",
    ),
    "obligations": (
        "id", "order_id", "kind", "amount", "frequency", "start_date", "end_date",
    ),
    "payments": (
        "id", "order_id", "payer_party_id", "amount", "collected_on", "posted_on",
        "source", "status", "reference", "idempotency_key", "employer_id",
    ),
    "ledger_entries": (
        "id", "order_id", "entry_type", "entry_date", "bucket", "owed_to", "amount",
        "payment_id", "obligation_id", "memo",
    ),
    "disbursements": (
        "id", "payment_id", "payee_party_id", "disbursed_on", "amount", "method",
        "status",
    ),
    "insurance_policies": (
        "id", "holder_party_id", "carrier", "policy_number", "group_number",
        "coverage_type", "employer_id", "start_date", "end_date",
    ),
    "insurance_coverages": ("id", "policy_id", "child_id"),
    "hearings": (
        "id", "case_id", "kind", "status", "scheduled_at", "location", "description",
    ),
    "case_activities": (
        "id", "case_id", "occurred_at", "code", "description", "staff_id",
        "discloses_location",
    ),
    "case_documents": (
        "id", "case_id", "kind", "title", "sent_on", "discloses_location",
    ),
    "message_threads": (
        "id", "party_id", "case_id", "order_id", "topic", "subject", "last_message_at",
        "created_at",
    ),
    "messages": (
        "id", "thread_id", "sender_kind", "sender_staff_id", "body", "sent_at",
        "read_at",
    ),
    "notification_preferences": ("id", "party_id", "topic", "channel", "opted_in"),
    "partner_case_shares": (
        "id", "agency_id", "case_id", "scopes", "shared_on", "revoked_on",
    ),
}  # fmt: skip

TABLES: tuple[str, ...] = tuple(COLUMNS)

# Large enough for COPY to be efficient, small enough to bound memory.
MAX_BATCH_ROWS = 50_000


@dataclass(frozen=True, slots=True)
class TableBatch:
    """A chunk of rows for one table, values in the order of ``columns``."""

    table: str
    columns: tuple[str, ...]
    rows: list[Row]


class Sink:
    """Collects generated rows per table and numbers them with explicit ids.

    Ids keep counting across :meth:`drain` calls, so rows drained in several
    rounds still get unique, dense ids starting at 1.
    """

    def __init__(self) -> None:
        self._next_id: dict[str, int] = dict.fromkeys(TABLES, 1)
        self._rows: dict[str, list[Row]] = {table: [] for table in TABLES}

    def add(self, table: str, *values: Any) -> int:
        """Append a row (without its id) to ``table``; return the id it got."""
        row_id = self._next_id[table]
        self._next_id[table] = row_id + 1
        self._rows[table].append((row_id, *values))
        return row_id

    def expect_id(self, table: str, made: int, expected: int) -> None:
        """Fail loudly when a row others rely on (a persona's) got another id."""
        if made != expected:
            raise RuntimeError(f"{table} row got id {made}, expected {expected}")

    def peek_id(self, table: str) -> int:
        """The id the next row of ``table`` will get."""
        return self._next_id[table]

    def pending(self) -> int:
        """How many rows are waiting to be drained."""
        return sum(len(rows) for rows in self._rows.values())

    def drain(self) -> Iterator[TableBatch]:
        """Yield every collected row in foreign-key order and forget them."""
        for table in TABLES:
            rows = self._rows[table]
            if not rows:
                continue
            self._rows[table] = []
            columns = COLUMNS[table]
            for start in range(0, len(rows), MAX_BATCH_ROWS):
                yield TableBatch(table, columns, rows[start : start + MAX_BATCH_ROWS])
