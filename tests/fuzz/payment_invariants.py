"""What must hold of the gateway's payments after any run of requests, checked
cheaply in SQL: nothing half-written."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

#: Payments made through the gateway (``processor`` set), with their records.
_PAYMENTS = text(
    """
    SELECT p.id, p.reference, p.status::text AS status, p.amount,
      (SELECT coalesce(sum(l.amount), 0) FROM ledger_entries l
        WHERE l.payment_id = p.id AND l.entry_type = 'collection') AS collected,
      (SELECT coalesce(sum(l.amount), 0) FROM ledger_entries l
        WHERE l.payment_id = p.id AND l.entry_type = 'allocation') AS allocated,
      (SELECT count(*) FROM ledger_entries l WHERE l.payment_id = p.id) AS lines,
      (SELECT count(*) FROM audit_events a WHERE a.action = 'make_payment'
        AND a.object_type = 'Payment' AND a.object_id = p.id) AS audited,
      (SELECT count(*) FROM idempotency_keys k WHERE k.payment_id = p.id) AS keys,
      (SELECT c.status FROM sandbox_charges c WHERE c.reference = p.reference)
        AS charge
    FROM payments p
    WHERE p.processor IS NOT NULL
    ORDER BY p.id
    """
)
_ORPHAN_CHARGES = text(
    """
    SELECT c.reference FROM sandbox_charges c
    WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.reference = c.reference)
    """
)


async def payment_problems(conn: AsyncConnection) -> tuple[int, list[str]]:
    """How many gateway payments there are, and what is wrong with them:
    each is settled (no processor here leaves one pending), audited and
    keyed; a posted one has its collection and allocations (at most its
    amount) and a captured charge; a failed one has no ledger lines and no
    captured charge; no charge lacks its payment."""
    rows = (await conn.execute(_PAYMENTS)).mappings().all()
    problems: list[str] = []
    for row in rows:
        where = f"payment {row['id']} ({row['status']}, {row['amount']})"
        if row["audited"] < 1:
            problems.append(f"{where}: no audit record")
        if row["keys"] != 1:
            problems.append(f"{where}: {row['keys']} idempotency keys")
        if row["status"] == "posted":
            if row["collected"] != row["amount"] or row["allocated"] > row["amount"]:
                problems.append(
                    f"{where}: collected {row['collected']}, "
                    f"allocated {row['allocated']}"
                )
            if row["charge"] != "captured":
                problems.append(f"{where}: charge {row['charge']}")
        elif row["status"] == "failed":
            if row["lines"]:
                problems.append(f"{where}: {row['lines']} ledger lines")
            if row["charge"] == "captured":
                problems.append(f"{where}: failed, yet its charge was captured")
        else:
            problems.append(f"{where}: left {row['status']}")
    orphans = (await conn.execute(_ORPHAN_CHARGES)).scalars().all()
    problems += [f"charge {reference} without its payment" for reference in orphans]
    return len(rows), problems
