"""A parent's case graph over GraphQL: batched, exact, and private."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from loaders import ids
from tests.conftest import EngineFactory
from tests.support import factories as f
from tests.support.api import running_api
from tests.support.cases import link, obligor_with_cases
from tests.support.issuer import TestIssuer

DEEP_VIEWER = """
query Deep {
  viewer {
    firstName maskedSsn
    cases(first: 100) {
      pageInfo { hasNextPage }
      nodes {
        caseNumber status
        participants { role party { firstName lastName } }
        children { firstName dateOfBirth }
        orders {
          orderNumber
          balance { totalOwed arrearsPrincipal currentSupportDue }
          payments(first: 10) {
            nodes { amount collectedOn source allocations { bucket amount } }
          }
        }
      }
    }
  }
}
"""

#: identity link, party, cases page (with the viewer's access to each case,
#: which the children rule reads), participants, children, orders, ledger
#: sums, obligations, payments page, allocations.
DEEP_VIEWER_STATEMENTS = 10


async def _count_for(
    engine: AsyncEngine, issuer: TestIssuer, cases: int
) -> tuple[int, dict[str, Any]]:
    async with engine.begin() as conn:
        family = await obligor_with_cases(conn, cases)
        await link(conn, issuer.url, f"obligor-{cases}", family.obligor_id)
    async with running_api(engine, issuer.url) as api:
        token = issuer.mint(f"obligor-{cases}")
        api.counter.reset()
        data = await api.query(DEEP_VIEWER, token)
        return api.counter.count, data


async def test_statement_count_depends_on_depth_not_rows(
    engine_factory: EngineFactory, issuer: TestIssuer
) -> None:
    # given a parent with one case and another with fifty
    one, data_one = await _count_for(await engine_factory(), issuer, 1)
    fifty, data_fifty = await _count_for(await engine_factory(), issuer, 50)

    # then the deep query ran the same, stated number of statements for both
    assert len(data_one["viewer"]["cases"]["nodes"]) == 1
    assert len(data_fifty["viewer"]["cases"]["nodes"]) == 50
    payments = data_fifty["viewer"]["cases"]["nodes"][0]["orders"][0]["payments"]
    assert len(payments["nodes"]) == 3
    assert (one, fifty) == (DEEP_VIEWER_STATEMENTS, DEEP_VIEWER_STATEMENTS)


BALANCE = """
query Balance($number: String!) {
  case(number: $number) {
    orders {
      balance {
        asOf currentSupportDue arrearsPrincipal arrearsOwedToFamily
        arrearsOwedToState interest fees totalOwed
        nextPaymentDue { dueOn amount }
      }
      payments { nodes { amount status allocations { bucket owedTo amount } } }
    }
  }
}
"""


def _month_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


async def test_balance_matches_hand_computation(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given an order with three months of 400.00 support + 50.00 medical,
    # the oldest support month owed to the state (public assistance)
    today = date.today()
    m0, m1, m2 = (_month_back(today, k) for k in (0, 1, 2))
    async with engine.begin() as conn:
        office = await f.agency(conn)
        parent = await f.party(conn)
        case_id = await f.case(conn, office, None, case_number="5550001111")
        await f.add(
            conn, m.CaseParticipant, case_id=case_id, party_id=parent, role="obligor"
        )
        order = await f.order(conn, case_id, effective_date=m2)
        await f.obligation(conn, order, start_date=m2)
        await f.obligation(
            conn, order, kind="medical_support", amount=Decimal("50.00"), start_date=m2
        )
        for month in (m2, m1, m0):
            owed_to = "state" if month == m2 else "family"
            await f.ledger(
                conn,
                order,
                entry_type="accrual",
                entry_date=month,
                bucket="current_support",
                owed_to=owed_to,
                amount=Decimal("400.00"),
            )
            await f.ledger(
                conn,
                order,
                entry_type="accrual",
                entry_date=month,
                bucket="medical_support",
                amount=Decimal("50.00"),
            )
        await f.ledger(
            conn,
            order,
            entry_type="accrual",
            entry_date=m1,
            bucket="interest",
            amount=Decimal("10.00"),
        )
        # payments: 450 in m2 (pays it all), 200 in m1, 300 in m0, one pending
        plan = [
            (
                m2 + timedelta(days=2),
                "450.00",
                [
                    ("current_support", "state", "400.00"),
                    ("medical_support", "family", "50.00"),
                ],
            ),
            (
                m1 + timedelta(days=5),
                "200.00",
                [("current_support", "family", "200.00")],
            ),
            (m0, "300.00", [("current_support", "family", "300.00")]),
        ]
        for day, amount, allocations in plan:
            paid = await f.payment(
                conn,
                order,
                parent,
                amount=Decimal(amount),
                collected_on=day,
                posted_on=day,
            )
            await f.ledger(
                conn,
                order,
                entry_type="collection",
                entry_date=day,
                bucket=None,
                amount=Decimal(amount),
                payment_id=paid,
            )
            for bucket, owed_to, part in allocations:
                await f.ledger(
                    conn,
                    order,
                    entry_type="allocation",
                    entry_date=day,
                    bucket=bucket,
                    owed_to=owed_to,
                    amount=Decimal(part),
                    payment_id=paid,
                )
        await f.payment(
            conn,
            order,
            parent,
            amount=Decimal("75.00"),
            collected_on=today,
            posted_on=None,
            status="pending",
        )
        await link(conn, issuer.url, "hand-built", parent)

    # when the parent asks for the order's balance
    async with running_api(engine, issuer.url) as api:
        data = await api.query(BALANCE, issuer.mint("hand-built"), number="5550001111")

    # then: current = 450 - 300; arrears = family (400+50+50) - (50+200) = 250,
    # state 400 - 400 = 0; interest 10; total 410; next due the 1st, 450
    order_data = data["case"]["orders"][0]
    next_month = _month_back(today, -1)
    assert order_data["balance"] == {
        "asOf": today.isoformat(),
        "currentSupportDue": "150.00",
        "arrearsPrincipal": "250.00",
        "arrearsOwedToFamily": "250.00",
        "arrearsOwedToState": "0.00",
        "interest": "10.00",
        "fees": "0.00",
        "totalOwed": "410.00",
        "nextPaymentDue": {"dueOn": next_month.isoformat(), "amount": "450.00"},
    }
    payments = order_data["payments"]["nodes"]
    assert [p["amount"] for p in payments] == ["75.00", "300.00", "200.00", "450.00"]
    assert payments[0] == {"amount": "75.00", "status": "PENDING", "allocations": []}
    assert payments[3]["allocations"] == [
        {"bucket": "CURRENT_SUPPORT", "owedTo": "STATE", "amount": "400.00"},
        {"bucket": "MEDICAL_SUPPORT", "owedTo": "FAMILY", "amount": "50.00"},
    ]


CASE_BY_NUMBER = "query($n: String!) { case(number: $n) { caseNumber } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Case { caseNumber } } }"


async def test_someone_elses_case_looks_like_no_case(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given two unrelated parents, each with a case
    async with engine.begin() as conn:
        mine = await obligor_with_cases(conn, 1, payments_per_order=0)
        theirs = await obligor_with_cases(conn, 1, payments_per_order=0)
        await link(conn, issuer.url, "me", mine.obligor_id)
    token = issuer.mint("me")
    async with running_api(engine, issuer.url) as api:
        # when I ask for their case, and for a case that does not exist
        by_number = [
            (await api.post(CASE_BY_NUMBER, token, n=n)).json()
            for n in (theirs.case_numbers[0], "0000000001")
        ]
        by_node = [
            (await api.post(NODE, token, id=ids.encode("Case", pk))).json()
            for pk in (theirs.case_ids[0], 10**12)
        ]
        own = await api.query(NODE, token, id=ids.encode("Case", mine.case_ids[0]))
        # then both answers are exactly the same: nothing
        assert by_number[0] == by_number[1] == {"data": {"case": None}}
        assert by_node[0] == by_node[1] == {"data": {"node": None}}
        # while my own case answers by either route
        assert own["node"]["caseNumber"] == mine.case_numbers[0]
        assert (await api.query(CASE_BY_NUMBER, token, n=mine.case_numbers[0]))[
            "case"
        ] == {"caseNumber": mine.case_numbers[0]}
