"""An order's balance from its ledger, written again here on purpose.

The peer (PostGraphile) can only hand over the ledger rows, and the ceiling
only the per-order sums the gateway's statement returns; both answers are
turned into a balance by these few lines and compared with the gateway's, so
a balance that disagrees with the ledger fails the content check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")
CURRENT = ("current_support", "medical_support", "spousal_support")
CHARGES = ("accrual", "adjustment")
SUMS = (
    "current_charged",
    "current_paid",
    "past_charged",
    "past_paid",
    "interest_charged",
    "interest_paid",
    "fees_charged",
    "fees_paid",
)


def sums_from_ledger(
    entries: Iterable[Mapping[str, Any]], as_of: date
) -> list[dict[str, Any]]:
    """Per owed-to totals of ledger rows (``entry_type``, ``entry_date``,
    ``bucket``, ``owed_to``, ``amount``) up to ``as_of``."""
    period = as_of.replace(day=1)
    totals: dict[str, dict[str, Any]] = {}
    for entry in entries:
        day = date.fromisoformat(str(entry["entry_date"]))
        kind = str(entry["entry_type"]).lower()
        if day > as_of or (kind not in CHARGES and kind != "allocation"):
            continue
        bucket = str(entry["bucket"]).lower()
        side = "charged" if kind in CHARGES else "paid"
        if bucket in CURRENT:
            where = "current" if day >= period else "past"
        elif bucket == "arrears":
            where = "past"
        elif bucket in ("interest", "fees"):
            where = bucket
        else:
            continue
        owed_to = str(entry["owed_to"]).lower()
        row = totals.setdefault(
            owed_to, {"owed_to": owed_to} | dict.fromkeys(SUMS, ZERO)
        )
        row[f"{where}_{side}"] += Decimal(str(entry["amount"]))
    return list(totals.values())


def balance(sums: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The balance fields the scenarios select, as the API spells them."""
    current = ZERO
    arrears = {"family": ZERO, "state": ZERO}
    interest = ZERO
    fees = ZERO
    for s in sums:
        value = {name: Decimal(str(s[name])) for name in SUMS}
        due_now = value["current_charged"] - value["current_paid"]
        past = value["past_charged"] - value["past_paid"]
        if due_now < 0:
            past += due_now
            due_now = ZERO
        current += due_now
        arrears[str(s["owed_to"]).lower()] += past
        interest += value["interest_charged"] - value["interest_paid"]
        fees += value["fees_charged"] - value["fees_paid"]
    principal = arrears["family"] + arrears["state"]
    fields = {
        "currentSupportDue": current,
        "arrearsPrincipal": principal,
        "arrearsOwedToFamily": arrears["family"],
        "arrearsOwedToState": arrears["state"],
        "interest": interest,
        "fees": fees,
        "totalOwed": current + principal + interest + fees,
    }
    return {name: f"{amount:.2f}" for name, amount in fields.items()}
