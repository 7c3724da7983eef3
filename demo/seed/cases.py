"""Writing one case: its shape (status and timeline), the case row and its
participants, its children, and its orders with their obligation lines."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from db.enums import (
    AssistanceStatus,
    CaseStatus,
    CaseType,
    Frequency,
    ObligationKind,
    OrderStatus,
    ParticipantRole,
)
from demo.seed import words
from demo.seed.casework import CaseInfo
from demo.seed.money import ZERO, OrderBook, Term, cents, per_period
from demo.seed.people import PartyRef, Person, between, years_before
from demo.seed.tables import Sink
from demo.seed.world import Office

TermSpec = tuple[ObligationKind, Decimal, Frequency]


@dataclass(frozen=True, slots=True)
class OrderShape:
    """When an order was in force."""

    effective: date
    end: date | None
    status: OrderStatus


@dataclass(frozen=True, slots=True)
class CaseShape:
    """A case's status and timeline, decided before anything is written."""

    status: CaseStatus
    assistance: AssistanceStatus
    opened_on: date
    closed_on: date | None
    orders: tuple[OrderShape, ...]
    tanf_until: date | None
    interest: bool


def case_number(case_id: int, office_digit: int) -> str:
    """A unique 10-digit case number: 0, the office digit, eight scrambled digits."""
    return f"0{office_digit}{(case_id * 48_271 + 7_919) % 10**8:08d}"


def order_number(order_id: int) -> str:
    """A unique order number: SO and eight digits."""
    return f"SO{20_000_000 + order_id:08d}"


def tanf_until(
    rng: random.Random, assistance: AssistanceStatus, start: date, as_of: date
) -> date | None:
    """Until when accruals are assigned to the state."""
    if assistance is AssistanceStatus.CURRENT_TANF:
        return date.max
    if assistance is AssistanceStatus.FORMER_TANF:
        span = max((as_of - start).days, 30)
        return start + timedelta(days=span * rng.randint(20, 60) // 100)
    return None


def random_shape(rng: random.Random, as_of: date) -> CaseShape:
    """Mostly open cases with one order, some closed, pending or re-ordered."""
    draw = rng.random()
    assistance = rng.choices(tuple(AssistanceStatus), weights=(10, 30, 60))[0]
    if draw < 0.04:
        opened = as_of - timedelta(days=rng.randint(10, 200))
        return CaseShape(
            CaseStatus.PENDING, assistance, opened, None, (),
            tanf_until(rng, assistance, opened, as_of), False,
        )  # fmt: skip
    five = years_before(as_of, 5)
    start = five if rng.random() < 0.45 else between(rng, five, as_of - timedelta(60))
    opened = start - timedelta(days=rng.randint(30, 540))
    closed: date | None = None
    old_enough = (as_of - start).days
    pick = rng.random()
    orders: tuple[OrderShape, ...]
    if draw < 0.12 and old_enough > 240:
        closed = between(
            rng, max(start + timedelta(days=180), as_of - timedelta(days=730)),
            as_of - timedelta(days=30),
        )  # fmt: skip
        orders = (OrderShape(start, closed, OrderStatus.TERMINATED),)
    elif pick < 0.012:
        orders = ()
    elif pick < 0.087 and old_enough > 730:
        change = between(rng, start + timedelta(days=365), as_of - timedelta(days=180))
        orders = (
            OrderShape(start, change - timedelta(days=1), OrderStatus.TERMINATED),
            OrderShape(change, None, OrderStatus.ACTIVE),
        )
    else:
        orders = (OrderShape(start, None, OrderStatus.ACTIVE),)
    status = CaseStatus.CLOSED if closed else CaseStatus.OPEN
    return CaseShape(
        status, assistance, opened, closed, orders,
        tanf_until(rng, assistance, start, as_of), rng.random() < 0.3,
    )  # fmt: skip


def random_terms(rng: random.Random) -> list[TermSpec]:
    """Current support always; medical, spousal and arrears repayment sometimes."""
    frequency = rng.choices(tuple(Frequency), weights=(7, 8, 2, 83))[0]
    monthly = cents(rng.randint(15_000, 120_000))
    terms: list[TermSpec] = [
        (
            ObligationKind.CURRENT_CHILD_SUPPORT,
            per_period(monthly, Frequency.MONTHLY, frequency),
            frequency,
        )
    ]
    if rng.random() < 0.5:
        terms.append(
            (ObligationKind.MEDICAL_SUPPORT, cents(rng.randint(4_000, 15_000)),
             Frequency.MONTHLY)
        )  # fmt: skip
    if rng.random() < 0.03:
        terms.append(
            (ObligationKind.SPOUSAL_SUPPORT, cents(rng.randint(20_000, 80_000)),
             Frequency.MONTHLY)
        )  # fmt: skip
    if rng.random() < 0.3:
        terms.append(
            (ObligationKind.ARREARS_REPAYMENT, cents(rng.randint(2_500, 20_000)),
             Frequency.MONTHLY)
        )  # fmt: skip
    return terms


def open_case(
    sink: Sink,
    shape: CaseShape,
    case_type: CaseType,
    office: Office,
    caseworker_id: int,
    obligor: PartyRef,
    obligee: PartyRef,
    *,
    number: str | None = None,
) -> CaseInfo:
    """Write a case with its obligor and obligee."""
    number = number or case_number(sink.peek_id("cases"), office.digit)
    case_id = sink.add(
        "cases", number, shape.status.value, case_type.value, shape.assistance.value,
        office.agency_id, caseworker_id, shape.opened_on, shape.closed_on,
    )  # fmt: skip
    sink.add("case_participants", case_id, obligor.id, ParticipantRole.OBLIGOR.value)
    sink.add("case_participants", case_id, obligee.id, ParticipantRole.OBLIGEE.value)
    return CaseInfo(
        case_id, number, office, caseworker_id, shape.status, case_type,
        shape.opened_on, shape.closed_on, obligor, obligee,
    )  # fmt: skip


def add_children(
    sink: Sink,
    rng: random.Random,
    case: CaseInfo,
    count: int,
    surnames: tuple[str, ...],
    as_of: date,
) -> list[int]:
    """New children of a case, minors living with the obligee."""
    oldest = years_before(as_of, 17) + timedelta(days=30)
    youngest = min(case.opened_on, as_of - timedelta(days=60))
    made: list[int] = []
    for _ in range(count):
        born = between(rng, oldest, youngest)
        made.append(
            add_child(
                sink, rng.choice(words.CHILD_FIRST), rng.choice(surnames), born, case,
                address_of=case.obligee.person,
            )
        )  # fmt: skip
    return made


def add_child(
    sink: Sink, first: str, last: str, born: date, case: CaseInfo, *, address_of: Person
) -> int:
    """Write one child, emancipated on the 18th birthday, and put them on a case."""
    a = address_of.address
    emancipation = years_before(born, -18)
    child_id = sink.add(
        "children", first, last, born, emancipation, a.line1, a.city, a.state,
        a.postal_code,
    )  # fmt: skip
    attach_child(sink, case, child_id)
    return child_id


def attach_child(sink: Sink, case: CaseInfo, child_id: int) -> None:
    """Put an existing child on another case."""
    sink.add("case_children", case.id, child_id)
    case.children.append(child_id)


def add_order(
    sink: Sink,
    rng: random.Random,
    case: CaseInfo,
    shape: CaseShape,
    order: OrderShape,
    terms: list[TermSpec],
    *,
    number: str | None = None,
    judgment: Decimal | None = None,
    correction: bool = False,
) -> OrderBook:
    """Write an order with its obligations; return what the ledger needs."""
    number = number or order_number(sink.peek_id("support_orders"))
    office = case.office
    cause = f"{office.digit}{order.effective:%y}-FM-{rng.randint(1_000, 99_999):05d}"
    order_id = sink.add(
        "support_orders", case.id, number, office.court(rng.randint(1, 4)), cause,
        order.status.value, order.effective, order.end,
    )  # fmt: skip
    made: list[Term] = []
    for kind, amount, frequency in terms:
        obligation_id = sink.add(
            "obligations", order_id, kind.value, amount, frequency.value,
            order.effective, order.end,
        )  # fmt: skip
        made.append(
            Term(obligation_id, kind, amount, frequency, order.effective, order.end)
        )
    repays = any(kind is ObligationKind.ARREARS_REPAYMENT for kind, _, _ in terms)
    if judgment is None:
        judgment = cents(rng.randint(60_000, 900_000)) if repays else ZERO
    case.orders.append((order_id, number, order.effective))
    if order.status is OrderStatus.ACTIVE:
        case.current_order_id = order_id
    return OrderBook(
        order_id=order_id,
        payee_party_id=case.obligee.id,
        effective=order.effective,
        end=order.end,
        terms=tuple(made),
        tanf_until=shape.tanf_until,
        interest=shape.interest,
        judgment=judgment,
        correction=correction,
        payee_method=case.obligee.disbursement_method,
    )
