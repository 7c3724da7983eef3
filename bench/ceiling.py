"""The raw ceiling: the least a server could do to give the gateway's answer.

Per scenario it replays, on one pooled asyncpg connection, the statements
the gateway sent for that request (recorded through the wire relay, same
SQL, same parameters), builds the same JSON from the rows with a few lines
of plain Python and sends it with orjson; where the gateway had PostgreSQL
build the answer (a compiled plan), it sends that JSON on as it came. No
GraphQL, no ORM, no checks beyond the ones the SQL already holds: what
remains between it and the gateway is the gateway's own work.

    python -m bench.ceiling --database-url URL --plan PLAN.json --port N

``POST /<scenario>`` answers ``{"data": ...}``; ``GET /ready`` once the pool
is open. The Help content is read once at start, as the gateway keeps it in
memory.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.balance import balance
from bench.plan import Planned, load
from db.engine import connect_args

Rows = Sequence[Mapping[str, Any]]
Results = list[Rows]
TAX_OFFSETS = frozenset({"federal_tax_offset", "state_tax_offset"})
OTHER_ROLE = {"obligor": "obligee", "obligee": "obligor", "caretaker": "obligor"}
ROLE_ORDER = ("obligor", "obligee", "caretaker")


class PlanMismatch(LookupError):
    """The recorded statements no longer hold what an assembler reads."""


def rows_with(results: Results, *columns: str, without: str = "") -> Rows:
    """The rows of the first statement whose columns include ``columns``."""
    for rows in results:
        if rows and all(c in rows[0] for c in columns):
            if without and without in rows[0]:
                continue
            return rows
    return []


def by(rows: Rows, key: str) -> dict[Any, list[Mapping[str, Any]]]:
    grouped: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _source(value: str, hide_tax: bool) -> str:
    return "TAX_OFFSET" if hide_tax and value in TAX_OFFSETS else value.upper()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _page(
    rows: list[Mapping[str, Any]],
    first: int,
    fields: Callable[[Mapping[str, Any]], Any],
) -> tuple[list[Any], bool]:
    return [fields(r) for r in rows[:first]], len(rows) > first


def _access(results: Results) -> dict[Any, Mapping[str, Any]]:
    """The caller's access per case: read with the case rows themselves."""
    return {
        row["pk"]: row
        for row in rows_with(results, "access_roles", "access_share_scopes")
    }


def _other_party(
    case_id: Any, access: Mapping[Any, Mapping[str, Any]], participants: Rows
) -> Any:
    roles = access[case_id]["access_roles"] or []
    mine = next((role for role in ROLE_ORDER if role in roles), None)
    if mine is None:
        return None
    for row in participants:
        if row["role"] == OTHER_ROLE[mine]:
            return {"firstName": row["first_name"], "lastName": row["last_name"]}
    return None


def dashboard(results: Results, with_balance: bool) -> Any:
    viewer = rows_with(results, "masked_ssn", without="case_id")
    cases = rows_with(results, "viewer_role", "case_number")
    if not viewer or not cases:
        raise PlanMismatch("dashboard: no viewer or no cases among the statements")
    access = _access(results)
    children = by(rows_with(results, "case_ids", "first_name"), "case_id")
    participants = by(rows_with(results, "role", "first_name", "case_id"), "case_id")
    orders = by(rows_with(results, "order_number"), "case_id")
    payments = by(rows_with(results, "collected_on", "parent_key"), "parent_key")
    sums = by(rows_with(results, "current_charged"), "order_id")
    seen: set[Any] = set()
    nodes = []
    for case in cases:
        if case["pk"] in seen:
            continue
        seen.add(case["pk"])
        shaped_orders = []
        for order in orders.get(case["pk"], []):
            page, _ = _page(
                payments.get(order["pk"], []),
                10,
                lambda p: {
                    "collectedOn": p["collected_on"],
                    "amount": _money(p["amount"]),
                    "source": _source(p["source"], True),
                    "status": p["status"].upper(),
                },
            )
            shaped: dict[str, Any] = {
                "id": order["id"],
                "orderNumber": order["order_number"],
                "status": order["status"].upper(),
            }
            if with_balance:
                shaped["balance"] = balance(sums.get(order["pk"], []))
            shaped["payments"] = {"nodes": page}
            shaped_orders.append(shaped)
        nodes.append(
            {
                "id": case["id"],
                "caseNumber": case["case_number"],
                "status": case["status"].upper(),
                "otherParty": _other_party(
                    case["pk"], access, participants.get(case["pk"], [])
                ),
                "children": [
                    {"firstName": c["first_name"], "lastName": c["last_name"]}
                    for c in children.get(case["pk"], [])
                ],
                "orders": shaped_orders,
            }
        )
    person = viewer[0]
    return {
        "viewer": {
            "firstName": person["first_name"],
            "lastName": person["last_name"],
            "cases": {"nodes": nodes},
        }
    }


def _the_case(results: Results) -> Mapping[str, Any] | None:
    found = rows_with(results, "case_number", "pk", without="viewer_role")
    return found[0] if found else None


def payment_history(results: Results) -> Any:
    case = _the_case(results)
    if case is None:
        return {"case": None}
    payments = by(rows_with(results, "collected_on", "parent_key"), "parent_key")
    orders = []
    for order in rows_with(results, "order_number"):
        page, more = _page(
            payments.get(order["pk"], []),
            25,
            lambda p: {
                "collectedOn": p["collected_on"],
                "postedOn": p["posted_on"],
                "amount": _money(p["amount"]),
                "source": _source(p["source"], True),
                "status": p["status"].upper(),
                "reference": p["reference"],
            },
        )
        orders.append(
            {
                "orderNumber": order["order_number"],
                "payments": {"nodes": page, "pageInfo": {"hasNextPage": more}},
            }
        )
    return {"case": {"orders": orders}}


def partner_graph(results: Results) -> Any:
    case = _the_case(results)
    if case is None:
        return {"case": None}
    access = _access(results).get(case["pk"], {})
    protected = bool(access.get("access_protected_ids"))
    payments = by(rows_with(results, "collected_on", "parent_key"), "parent_key")
    obligations = by(rows_with(results, "frequency", "kind"), "order_id")
    sums = by(rows_with(results, "current_charged"), "order_id")
    allocations = by(rows_with(results, "applied_on", "bucket"), "payment_id")
    disbursements = by(rows_with(results, "disbursed_on"), "payment_id")
    orders = []
    for order in rows_with(results, "order_number"):
        page, _ = _page(
            payments.get(order["pk"], []),
            100,
            lambda p: {
                "collectedOn": p["collected_on"],
                "amount": _money(p["amount"]),
                "status": p["status"].upper(),
                "allocations": [
                    {
                        "bucket": a["bucket"].upper(),
                        "owedTo": a["owed_to"].upper(),
                        "amount": _money(a["amount"]),
                    }
                    for a in allocations.get(p["pk"], [])
                ],
                "disbursements": [
                    {"disbursedOn": d["disbursed_on"], "amount": _money(d["amount"])}
                    for d in disbursements.get(p["pk"], [])
                ],
            },
        )
        orders.append(
            {
                "orderNumber": order["order_number"],
                "status": order["status"].upper(),
                "obligations": [
                    {
                        "kind": o["kind"].upper(),
                        "amount": _money(o["amount"]),
                        "frequency": o["frequency"].upper(),
                    }
                    for o in obligations.get(order["pk"], [])
                ],
                "balance": balance(sums.get(order["pk"], [])),
                "payments": {"nodes": page},
            }
        )
    return {
        "case": {
            "caseNumber": case["case_number"],
            "status": case["status"].upper(),
            "caseType": case["case_type"].upper(),
            "participants": [
                {
                    "role": p["role"].upper(),
                    "party": {"firstName": p["first_name"], "lastName": p["last_name"]},
                }
                for p in rows_with(results, "role", "first_name", "case_id")
            ],
            "children": [
                {"firstName": c["first_name"], "lastName": c["last_name"]}
                for c in rows_with(results, "case_ids", "first_name")
            ],
            "orders": orders,
            "activities": [
                {
                    "occurredAt": a["occurred_at"],
                    "code": a["code"],
                    "description": a["description"],
                }
                for a in rows_with(results, "discloses_location")
                if not (protected and a["discloses_location"])
            ],
        }
    }


def node(results: Results) -> Any:
    case = _the_case(results)
    if case is None:
        return {"node": None}
    return {
        "node": {
            "id": case["id"],
            "caseNumber": case["case_number"],
            "status": case["status"].upper(),
            "caseType": case["case_type"].upper(),
            "assistanceStatus": case["assistance_status"].upper(),
            "openedOn": case["opened_on"],
            "closedOn": case["closed_on"],
            "updatedAt": case["updated_at"],
        }
    }


ASSEMBLERS: dict[str, Callable[[Results], Any]] = {
    "dashboard": lambda results: dashboard(results, False),
    "dashboard_balances": lambda results: dashboard(results, True),
    "payment_history": payment_history,
    "partner_graph": partner_graph,
    "node": node,
}


def built_by_the_database(results: Results) -> bytes | None:
    """The answer's JSON where the gateway had PostgreSQL build it (one row
    of one ``data`` column): sent on as it came."""
    for rows in results:
        if len(rows) == 1 and list(rows[0].keys()) == ["data"]:
            value = rows[0]["data"]
            return value.encode() if isinstance(value, str) else orjson.dumps(value)
    return None


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def create_app(database_url: str, plans: Mapping[str, Sequence[Planned]]) -> Starlette:
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # the gateway's own session settings (generic plans among them)
        settings = connect_args(
            statement_timeout_seconds=None,
            command_timeout_seconds=None,
            idle_in_transaction_timeout_seconds=None,
            connect_timeout_seconds=10.0,
        )["server_settings"]
        pool = await asyncpg.create_pool(
            database_url, min_size=10, max_size=10, server_settings=settings
        )
        async with pool.acquire() as connection:
            terms = await connection.fetch(
                "SELECT term, definition FROM glossary_terms ORDER BY term"
            )
        state["pool"] = pool
        state["glossary"] = {"glossary": [dict(t) for t in terms]}
        try:
            yield
        finally:
            await pool.close()

    async def answer(request: Request) -> Response:
        key = request.path_params["scenario"]
        orjson.loads(await request.body())
        statements = plans.get(key)
        if statements is None:
            return Response(status_code=404)
        pool: Any = state["pool"]
        results: Results = []
        async with pool.acquire() as connection:
            for statement in statements:
                results.append(
                    await connection.fetch(statement.sql, *statement.parameters)
                )
        built = built_by_the_database(results)
        if built is not None:
            return Response(b'{"data":' + built + b"}", media_type="application/json")
        data = state["glossary"] if key == "glossary" else ASSEMBLERS[key](results)
        return Response(
            orjson.dumps({"data": data}, default=_default),
            media_type="application/json",
        )

    async def ready(request: Request) -> Response:
        return Response(
            "ok" if "pool" in state else "starting",
            status_code=200 if "pool" in state else 503,
        )

    return Starlette(
        routes=[
            Route("/ready", ready),
            Route("/{scenario}", answer, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.database_url, load(args.plan)),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
