"""Fields the planned path fetches for a whole level with one ``load_many``.

Each of these fields' resolvers is a single ``loader.load(row.<key>)``; the
executor calls the same loader once with every parent's key instead of once
per parent (a coroutine and a future each). The differential tests hold each
entry to its resolver: the same rows, in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Batched:
    #: The ``Loaders`` attribute.
    loader: str
    #: The parent row's attribute holding the key.
    key: str


BATCHED: Mapping[tuple[str, str], Batched] = {
    ("Case", "participants"): Batched("participants_by_case_id", "pk"),
    ("Case", "children"): Batched("children_by_case_id", "pk"),
    ("Case", "orders"): Batched("orders_by_case_id", "pk"),
    ("Case", "activities"): Batched("activities_by_case_id", "pk"),
    ("Case", "documents"): Batched("documents_by_case_id", "pk"),
    ("Order", "obligations"): Batched("obligations_by_order_id", "pk"),
    ("Order", "balance"): Batched("balance_by_order_id", "pk"),
    ("Payment", "allocations"): Batched("allocations_by_payment_id", "pk"),
    ("Payment", "disbursements"): Batched("disbursements_by_payment_id", "pk"),
}
