"""The benchmark's scenarios: each one's gateway request, its hand-written
PostGraphile equivalent (same data, PostGraphile's own schema), and how both
answers are brought to one canonical shape so their content can be compared.

Canonical form: ``id`` fields dropped (each server has its own global IDs),
money as two-decimal strings, enum values in capitals, date-times in UTC,
and lists sorted where the order is not part of the answer (payments keep
theirs: newest first is what a payment history means).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bench.balance import balance, sums_from_ledger

#: Lists whose order is part of the answer.
ORDERED = frozenset({"payments", "glossary"})
MONEY = frozenset(
    {
        "amount",
        "currentSupportDue",
        "arrearsPrincipal",
        "arrearsOwedToFamily",
        "arrearsOwedToState",
        "interest",
        "fees",
        "totalOwed",
    }
)
ENUMS = frozenset(
    {
        "status",
        "source",
        "role",
        "caseType",
        "assistanceStatus",
        "kind",
        "frequency",
        "bucket",
        "owedTo",
    }
)
MOMENTS = frozenset({"updatedAt", "occurredAt"})
#: What a parent, or a partner without ``fti:read``, sees of a tax offset.
TAX_OFFSETS = frozenset({"FEDERAL_TAX_OFFSET", "STATE_TAX_OFFSET"})

BALANCE = (
    "balance { currentSupportDue arrearsPrincipal arrearsOwedToFamily "
    "arrearsOwedToState interest fees totalOwed }"
)
LEDGER = "ledgerEntriesByOrderId { nodes { entryType entryDate bucket owedTo amount } }"


@dataclass(frozen=True)
class Facts:
    """What the requests need that only the data can tell (ids, numbers)."""

    #: The obligor persona's party row.
    obligor_party: int
    #: The payment history page's case (the obligor's case in arrears).
    history_case: str
    #: The largest case shared with the partner persona.
    partner_case: str
    #: A case of the obligor: the gateway's global ID and PostGraphile's.
    case_id: str
    peer_case_id: str
    #: The order the obligor pays in ``makePayment``.
    order_id: str
    as_of: date


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    #: The demo persona whose token the gateway request carries (None: none).
    persona: str | None
    gateway: Callable[[Facts], dict[str, Any]]
    peer: Callable[[Facts], dict[str, Any]] | None
    #: The peer's ``data`` in the gateway's shape (before canonical form).
    peer_shape: Callable[[Mapping[str, Any], Facts], Any] | None
    #: The ceiling replays the gateway's statements for this scenario.
    ceiling: bool = True
    #: Each request carries a fresh idempotency key (autocannon's ``[<id>]``).
    unique: bool = False
    #: Only parents' and partners' views: tax offsets shown as TAX_OFFSET.
    hides_tax_source: bool = True


def _money(value: Any) -> Any:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def _moment(value: Any) -> Any:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(UTC).isoformat()


def canonical(value: Any, key: str = "", *, keep_ids: bool = False) -> Any:
    """``value`` in the canonical form (see the module's docstring)."""
    if isinstance(value, dict):
        return {
            k: canonical(v, k, keep_ids=keep_ids)
            for k, v in value.items()
            if keep_ids or k != "id"
        }
    if isinstance(value, list):
        items = [canonical(v, key, keep_ids=keep_ids) for v in value]
        if key in ORDERED:
            return items
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if key in MONEY:
        return _money(value)
    if key in ENUMS and isinstance(value, str):
        return value.upper()
    if key in MOMENTS:
        return _moment(value)
    return value


def differences(left: Any, right: Any, path: str = "") -> list[str]:
    """Where two canonical answers differ (at most a few places)."""
    if isinstance(left, dict) and isinstance(right, dict):
        found: list[str] = []
        for k in sorted(set(left) | set(right)):
            if k not in left or k not in right:
                found.append(f"{path}.{k}: only in {'right' if k in right else 'left'}")
            else:
                found.extend(differences(left[k], right[k], f"{path}.{k}"))
        return found[:5]
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"{path}: {len(left)} items against {len(right)}"]
        found = []
        for n, (a, b) in enumerate(zip(left, right, strict=True)):
            found.extend(differences(a, b, f"{path}[{n}]"))
        return found[:5]
    return [] if left == right else [f"{path}: {left!r} against {right!r}"]


def _source(value: str) -> str:
    upper = value.upper()
    return "TAX_OFFSET" if upper in TAX_OFFSETS else upper


def _nodes(connection: Mapping[str, Any]) -> list[Any]:
    return list(connection["nodes"])


# --- the dashboard --------------------------------------------------------

_PAYMENT_FIELDS = "collectedOn amount source status"


def _dashboard(with_balance: bool) -> str:
    extra = BALANCE if with_balance else ""
    return (
        "query Dashboard { viewer { firstName lastName cases { nodes { "
        "id caseNumber status otherParty { firstName lastName } "
        "children { firstName lastName } orders { id orderNumber status "
        f"{extra} payments(first: 10) {{ nodes {{ {_PAYMENT_FIELDS} }} }} "
        "} } } } }"
    )


def _peer_dashboard(with_balance: bool) -> str:
    extra = LEDGER if with_balance else ""
    return (
        "query Dashboard($party: BigInt!) { partyByRowId(rowId: $party) { "
        "firstName lastName caseParticipantsByPartyId { nodes { role caseByCaseId { "
        "caseNumber status "
        "caseParticipantsByCaseId(orderBy: [ROLE_ASC, PARTY_ID_ASC]) { nodes { "
        "role partyId partyByPartyId { firstName lastName } } } "
        "caseChildrenByCaseId { nodes { childByChildId { firstName lastName } } } "
        "supportOrdersByCaseId { nodes { orderNumber status "
        f"{extra} paymentsByOrderId(first: 10, orderBy: [COLLECTED_ON_DESC, "
        f"ROW_ID_DESC]) {{ nodes {{ {_PAYMENT_FIELDS} }} }} }} }} }} }} }} }} }}"
    )


_ROLE_ORDER = ("OBLIGOR", "OBLIGEE", "CARETAKER")
_OTHER_ROLE = {"OBLIGOR": "OBLIGEE", "OBLIGEE": "OBLIGOR", "CARETAKER": "OBLIGOR"}


def _peer_payments(connection: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "collectedOn": p["collectedOn"],
            "amount": p["amount"],
            "source": _source(p["source"]),
            "status": p["status"],
        }
        for p in _nodes(connection)
    ]


def _peer_orders(
    case: Mapping[str, Any], facts: Facts, with_balance: bool
) -> list[dict[str, Any]]:
    orders = []
    for order in _nodes(case["supportOrdersByCaseId"]):
        shaped: dict[str, Any] = {
            "orderNumber": order["orderNumber"],
            "status": order["status"],
            "payments": {"nodes": _peer_payments(order["paymentsByOrderId"])},
        }
        if with_balance:
            ledger = [_snake(e) for e in _nodes(order["ledgerEntriesByOrderId"])]
            shaped["balance"] = balance(sums_from_ledger(ledger, facts.as_of))
        orders.append(shaped)
    return orders


def _snake(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "entry_type": entry["entryType"],
        "entry_date": entry["entryDate"],
        "bucket": entry["bucket"],
        "owed_to": entry["owedTo"],
        "amount": entry["amount"],
    }


def _peer_dashboard_shape(
    with_balance: bool,
) -> Callable[[Mapping[str, Any], Facts], Any]:
    def shape(data: Mapping[str, Any], facts: Facts) -> Any:
        party = data["partyByRowId"]
        roles: dict[str, set[str]] = {}
        cases: dict[str, Mapping[str, Any]] = {}
        for link in _nodes(party["caseParticipantsByPartyId"]):
            case = link["caseByCaseId"]
            roles.setdefault(case["caseNumber"], set()).add(link["role"].upper())
            cases[case["caseNumber"]] = case
        nodes = []
        for number in sorted(cases):
            case = cases[number]
            mine = next(r for r in _ROLE_ORDER if r in roles[number])
            wanted = _OTHER_ROLE[mine]
            other = next(
                (
                    p["partyByPartyId"]
                    for p in _nodes(case["caseParticipantsByCaseId"])
                    if p["role"].upper() == wanted
                ),
                None,
            )
            nodes.append(
                {
                    "caseNumber": number,
                    "status": case["status"],
                    "otherParty": other,
                    "children": [
                        c["childByChildId"]
                        for c in _nodes(case["caseChildrenByCaseId"])
                    ],
                    "orders": _peer_orders(case, facts, with_balance),
                }
            )
        return {
            "viewer": {
                "firstName": party["firstName"],
                "lastName": party["lastName"],
                "cases": {"nodes": nodes},
            }
        }

    return shape


# --- the payment history page ---------------------------------------------

_HISTORY_FIELDS = "collectedOn postedOn amount source status reference"
HISTORY = (
    "query PaymentHistory($number: String!) { case(number: $number) { orders { "
    f"orderNumber payments(first: 25) {{ nodes {{ {_HISTORY_FIELDS} }} "
    "pageInfo { hasNextPage } } } } }"
)
PEER_HISTORY = (
    "query PaymentHistory($number: String!) { caseByCaseNumber(caseNumber: $number) "
    "{ supportOrdersByCaseId { nodes { orderNumber paymentsByOrderId(first: 25, "
    f"orderBy: [COLLECTED_ON_DESC, ROW_ID_DESC]) {{ nodes {{ {_HISTORY_FIELDS} }} "
    "pageInfo { hasNextPage } } } } } }"
)


def _peer_history_shape(data: Mapping[str, Any], facts: Facts) -> Any:
    case = data["caseByCaseNumber"]
    orders = []
    for order in _nodes(case["supportOrdersByCaseId"]):
        page = order["paymentsByOrderId"]
        payments = [
            dict(p, source=_source(p["source"]), status=p["status"].upper())
            for p in _nodes(page)
        ]
        orders.append(
            {
                "orderNumber": order["orderNumber"],
                "payments": {
                    "nodes": payments,
                    "pageInfo": {"hasNextPage": page["pageInfo"]["hasNextPage"]},
                },
            }
        )
    return {"case": {"orders": orders}}


# --- the partner's case graph ---------------------------------------------

PARTNER = (
    "query PartnerCase($number: String!) { case(number: $number) { caseNumber "
    "status caseType participants { role party { firstName lastName } } "
    "children { firstName lastName } orders { orderNumber status "
    f"obligations {{ kind amount frequency }} {BALANCE} "
    "payments(first: 100) { nodes { collectedOn amount status "
    "allocations { bucket owedTo amount } disbursements { disbursedOn amount } } } } "
    "activities { occurredAt code description } } }"
)
PEER_PARTNER = (
    "query PartnerCase($number: String!) { caseByCaseNumber(caseNumber: $number) { "
    "caseNumber status caseType "
    "caseParticipantsByCaseId { nodes { role partyByPartyId { firstName lastName } } } "
    "caseChildrenByCaseId { nodes { childByChildId { firstName lastName } } } "
    "supportOrdersByCaseId { nodes { orderNumber status "
    "obligationsByOrderId { nodes { kind amount frequency } } "
    f"{LEDGER} "
    "paymentsByOrderId(first: 100, orderBy: [COLLECTED_ON_DESC, ROW_ID_DESC]) { "
    "nodes { collectedOn amount status "
    "ledgerEntriesByPaymentId { nodes { entryType bucket owedTo amount } } "
    "disbursementsByPaymentId { nodes { disbursedOn amount } } } } } } "
    "caseActivitiesByCaseId { nodes { occurredAt code description } } } }"
)


def _peer_partner_shape(data: Mapping[str, Any], facts: Facts) -> Any:
    case = data["caseByCaseNumber"]
    orders = []
    for order in _nodes(case["supportOrdersByCaseId"]):
        ledger = [_snake(e) for e in _nodes(order["ledgerEntriesByOrderId"])]
        payments = [
            {
                "collectedOn": p["collectedOn"],
                "amount": p["amount"],
                "status": p["status"],
                "allocations": [
                    {
                        "bucket": e["bucket"],
                        "owedTo": e["owedTo"],
                        "amount": e["amount"],
                    }
                    for e in _nodes(p["ledgerEntriesByPaymentId"])
                    if e["entryType"].lower() == "allocation"
                ],
                "disbursements": _nodes(p["disbursementsByPaymentId"]),
            }
            for p in _nodes(order["paymentsByOrderId"])
        ]
        orders.append(
            {
                "orderNumber": order["orderNumber"],
                "status": order["status"],
                "obligations": _nodes(order["obligationsByOrderId"]),
                "balance": balance(sums_from_ledger(ledger, facts.as_of)),
                "payments": {"nodes": payments},
            }
        )
    return {
        "case": {
            "caseNumber": case["caseNumber"],
            "status": case["status"],
            "caseType": case["caseType"],
            "participants": [
                {"role": p["role"], "party": p["partyByPartyId"]}
                for p in _nodes(case["caseParticipantsByCaseId"])
            ],
            "children": [
                c["childByChildId"] for c in _nodes(case["caseChildrenByCaseId"])
            ],
            "orders": orders,
            "activities": _nodes(case["caseActivitiesByCaseId"]),
        }
    }


# --- node refetch, glossary, makePayment ----------------------------------

_CASE_FIELDS = "caseNumber status caseType assistanceStatus openedOn closedOn updatedAt"
NODE = (
    "query Refetch($id: ID!) { node(id: $id) { id "
    f"... on Case {{ {_CASE_FIELDS} }} }} }}"
)
GLOSSARY = "query Glossary { glossary { term definition } }"
PEER_GLOSSARY = (
    "query Glossary { allGlossaryTerms(orderBy: TERM_ASC) "
    "{ nodes { term definition } } }"
)
MAKE_PAYMENT = (
    "mutation Pay($input: MakePaymentInput!) { makePayment(input: $input) { "
    "payment { status amount } errors { code field message } } }"
)


def _body(query: str, **variables: Any) -> dict[str, Any]:
    return {"query": query, "variables": variables} if variables else {"query": query}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "dashboard",
        "parent dashboard",
        "obligor",
        lambda f: _body(_dashboard(False)),
        lambda f: _body(_peer_dashboard(False), party=str(f.obligor_party)),
        _peer_dashboard_shape(False),
    ),
    Scenario(
        "dashboard_balances",
        "dashboard with balances",
        "obligor",
        lambda f: _body(_dashboard(True)),
        lambda f: _body(_peer_dashboard(True), party=str(f.obligor_party)),
        _peer_dashboard_shape(True),
    ),
    Scenario(
        "payment_history",
        "payment history page",
        "obligor",
        lambda f: _body(HISTORY, number=f.history_case),
        lambda f: _body(PEER_HISTORY, number=f.history_case),
        _peer_history_shape,
    ),
    Scenario(
        "partner_graph",
        "partner case graph",
        "partner",
        lambda f: _body(PARTNER, number=f.partner_case),
        lambda f: _body(PEER_PARTNER, number=f.partner_case),
        _peer_partner_shape,
    ),
    Scenario(
        "node",
        "node refetch",
        "obligor",
        lambda f: _body(NODE, id=f.case_id),
        lambda f: _body(NODE, id=f.peer_case_id),
        lambda data, f: data,
    ),
    Scenario(
        "glossary",
        "anonymous glossary",
        None,
        lambda f: _body(GLOSSARY),
        lambda f: _body(PEER_GLOSSARY),
        lambda data, f: {"glossary": _nodes(data["allGlossaryTerms"])},
    ),
    Scenario(
        "make_payment",
        "makePayment",
        "obligor",
        lambda f: _body(
            MAKE_PAYMENT,
            input={
                "orderId": f.order_id,
                "amount": "1.00",
                "paymentMethodToken": "tok_sandbox_approve",
                "idempotencyKey": "bench-[<id>]",
            },
        ),
        None,
        None,
        ceiling=False,
        unique=True,
    ),
)


def by_key(key: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.key == key:
            return scenario
    raise KeyError(key)
