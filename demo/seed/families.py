"""Families: the parents, children, cases and orders that belong together.

A family (cluster) is generated whole from its own random stream: an obligor
with one to three cases, a relative raising children both parents owe for, or
a case that was closed and reopened. Everything shared (a parent on several
cases, a child on two) stays inside one family.
"""

from __future__ import annotations

import random
from datetime import timedelta

from db.enums import (
    AssistanceStatus,
    CaseStatus,
    CaseType,
    FamilyViolenceCode,
    OrderStatus,
    ParticipantRole,
)
from demo.seed import words
from demo.seed.cases import (
    CaseShape,
    OrderShape,
    add_children,
    add_order,
    attach_child,
    open_case,
    random_shape,
    random_terms,
    tanf_until,
)
from demo.seed.casework import CaseInfo, add_case_history, add_threads
from demo.seed.ledger import simulate
from demo.seed.money import ZERO, Payer, PayStyle, Spell, cents
from demo.seed.people import (
    PartyRef,
    add_notification_preferences,
    add_obligee,
    add_party,
    add_violence_indicator,
    between,
    local_address,
    out_of_state_address,
    random_person,
    work_history,
    years_before,
)
from demo.seed.tables import Sink
from demo.seed.world import Office, World


def random_payer(
    sink: Sink, rng: random.Random, world: World, party_id: int, *, away: bool
) -> Payer:
    """How an obligor pays, with the jobs that explain it."""
    style = PayStyle.OTHER_STATE
    spells: tuple[Spell, ...] = ()
    if not away:
        style = rng.choices(
            (PayStyle.WITHHOLDING, PayStyle.DIRECT, PayStyle.DELINQUENT),
            weights=(62, 24, 14),
        )[0]
        withholding = style is PayStyle.WITHHOLDING
        if withholding or rng.random() < 0.4:
            spells = work_history(
                sink, rng, party_id, world.employer_range(), world.as_of,
                withholding=withholding,
            )  # fmt: skip
    return Payer(
        party_id=party_id,
        style=style,
        spells=spells,
        payday=rng.randint(1, 28),
        overpay=cents(rng.randint(500, 5_000)) if rng.random() < 0.06 else ZERO,
        miss_rate=rng.choice((0.0, 0.01, 0.03, 0.06, 0.15)),
        partial_rate=rng.choice((0.02, 0.06, 0.15)),
    )


def build_case(
    sink: Sink,
    rng: random.Random,
    world: World,
    shape: CaseShape,
    case_type: CaseType,
    office: Office,
    obligor: PartyRef,
    obligee: PartyRef,
    payer: Payer,
    *,
    children: int | list[int] = 0,
) -> CaseInfo:
    """A case with new or existing children, its orders and their money."""
    as_of = world.as_of
    caseworker = rng.choice(office.caseworker_ids)
    case = open_case(sink, shape, case_type, office, caseworker, obligor, obligee)
    case.spells = payer.spells
    if isinstance(children, list):
        for child_id in children:
            attach_child(sink, case, child_id)
    else:
        surnames = (obligor.person.last_name, obligee.person.last_name)
        add_children(sink, rng, case, children, surnames, as_of)
    if rng.random() < 0.03:
        relative = random_person(
            rng, as_of, obligee.person.address, female=rng.random() < 0.8,
            ages=(40, 75), last_name=obligee.person.last_name,
        )  # fmt: skip
        caretaker = add_party(sink, relative)
        sink.add(
            "case_participants", case.id, caretaker, ParticipantRole.CARETAKER.value
        )
    for order in shape.orders:
        book = add_order(
            sink, rng, case, shape, order, random_terms(rng),
            correction=rng.random() < 0.01,
        )  # fmt: skip
        simulate(sink, rng, book, payer, as_of)
    if rng.random() < 0.01:
        code = rng.choices(tuple(FamilyViolenceCode), weights=(60, 30, 10))[0]
        set_on = between(rng, shape.opened_on, as_of)
        cleared = between(rng, set_on, as_of) if rng.random() < 0.1 else None
        add_violence_indicator(
            sink, obligee.id, caseworker, set_on, code=code, cleared_on=cleared
        )
    return case


def child_count(rng: random.Random) -> int:
    """One to three children, one most often."""
    return rng.choices((1, 2, 3), weights=(50, 35, 15))[0]


def add_family(sink: Sink, rng: random.Random, world: World) -> int:
    """Write one family and everything around it; return how many cases it has."""
    draw = rng.random()
    if draw < 0.01:
        cases, parties = _raised_by_relative(sink, rng, world)
    elif draw < 0.02:
        cases, parties = _reopened(sink, rng, world)
    else:
        count = 1 if draw < 0.85 else rng.choice((2, 2, 3))
        cases, parties = _obligor_with_cases(sink, rng, world, count)
    finish_family(sink, rng, world, cases, parties)
    return len(cases)


def finish_family(
    sink: Sink,
    rng: random.Random,
    world: World,
    cases: list[CaseInfo],
    parties: list[PartyRef],
) -> None:
    """Case histories, then each party's preferences and message threads."""
    for case in cases:
        add_case_history(sink, rng, case, world)
    for party in parties:
        theirs = [c for c in cases if party.id in (c.obligor.id, c.obligee.id)]
        if rng.random() < 0.7:
            add_notification_preferences(sink, rng, party.id)
        if theirs and rng.random() < 0.3:
            add_threads(sink, rng, party, theirs, world.as_of)


def _adult(
    sink: Sink, rng: random.Random, world: World, *, female: bool, away: bool,
    office: Office, obligee: bool = False, ages: tuple[int, int] = (20, 52),
    last_name: str | None = None,
) -> PartyRef:  # fmt: skip
    address = out_of_state_address(rng) if away else local_address(rng, office.county)
    person = random_person(
        rng, world.as_of, address, female=female, ages=ages, last_name=last_name
    )
    if obligee:
        return add_obligee(sink, rng, person)
    return PartyRef(add_party(sink, person), person)


def _obligor_with_cases(
    sink: Sink, rng: random.Random, world: World, count: int
) -> tuple[list[CaseInfo], list[PartyRef]]:
    home = world.office(rng)
    away = rng.random() < 0.04
    male = rng.random() < 0.85
    obligor = _adult(sink, rng, world, female=not male, away=away, office=home)
    payer = random_payer(sink, rng, world, obligor.id, away=away)
    cases: list[CaseInfo] = []
    parties = [obligor]
    for _ in range(count):
        office = world.office(rng) if away or rng.random() < 0.3 else home
        responding = not away and rng.random() < 0.04
        obligee = _adult(
            sink, rng, world, female=male, away=responding, office=office, obligee=True
        )
        parties.append(obligee)
        if rng.random() < 0.5:
            _employ(sink, rng, world, obligee.id)
        case_type = (
            CaseType.INTERSTATE_INITIATING if away
            else CaseType.INTERSTATE_RESPONDING if responding
            else CaseType.IV_D
        )  # fmt: skip
        shape = random_shape(rng, world.as_of)
        cases.append(
            build_case(
                sink, rng, world, shape, case_type, office, obligor, obligee, payer,
                children=child_count(rng),
            )
        )  # fmt: skip
    return cases, parties


def _raised_by_relative(
    sink: Sink, rng: random.Random, world: World
) -> tuple[list[CaseInfo], list[PartyRef]]:
    """A grandparent raising the children; each parent owes on a case of its own."""
    office = world.office(rng)
    family_name = rng.choice(words.LAST)
    grandparent = _adult(
        sink, rng, world, female=True, away=False, office=office, obligee=True,
        ages=(45, 72), last_name=family_name,
    )  # fmt: skip
    mother = _adult(
        sink, rng, world, female=True, away=False, office=office, last_name=family_name
    )
    father = _adult(sink, rng, world, female=False, away=False, office=office)
    cases: list[CaseInfo] = []
    children: int | list[int] = child_count(rng)
    for parent in (father, mother):
        payer = random_payer(sink, rng, world, parent.id, away=False)
        shape = random_shape(rng, world.as_of)
        case = build_case(
            sink, rng, world, shape, CaseType.IV_D, office, parent, grandparent, payer,
            children=children,
        )  # fmt: skip
        children = list(case.children)
        cases.append(case)
    return cases, [grandparent, mother, father]


def _reopened(
    sink: Sink, rng: random.Random, world: World
) -> tuple[list[CaseInfo], list[PartyRef]]:
    """A case closed when the parents reconciled, reopened later for the same
    children under a new case number."""
    as_of = world.as_of
    office = world.office(rng)
    obligor = _adult(sink, rng, world, female=False, away=False, office=office)
    obligee = _adult(
        sink, rng, world, female=True, away=False, office=office, obligee=True
    )
    payer = random_payer(sink, rng, world, obligor.id, away=False)
    assistance = rng.choices(tuple(AssistanceStatus), weights=(10, 30, 60))[0]
    start = years_before(as_of, 5)
    closed = between(rng, start + timedelta(days=365), as_of - timedelta(days=700))
    first = CaseShape(
        CaseStatus.CLOSED, assistance, start - timedelta(days=rng.randint(30, 300)),
        closed, (OrderShape(start, closed, OrderStatus.TERMINATED),),
        tanf_until(rng, assistance, start, as_of), rng.random() < 0.3,
    )  # fmt: skip
    reopened = closed + timedelta(days=rng.randint(60, 300))
    effective = reopened + timedelta(days=rng.randint(30, 120))
    second = CaseShape(
        CaseStatus.OPEN, AssistanceStatus.NEVER_TANF, reopened, None,
        (OrderShape(effective, None, OrderStatus.ACTIVE),), None, first.interest,
    )  # fmt: skip
    cases: list[CaseInfo] = []
    children: int | list[int] = child_count(rng)
    for shape in (first, second):
        case = build_case(
            sink, rng, world, shape, CaseType.IV_D, office, obligor, obligee, payer,
            children=children,
        )  # fmt: skip
        children = list(case.children)
        cases.append(case)
    return cases, [obligor, obligee]


def _employ(sink: Sink, rng: random.Random, world: World, party_id: int) -> None:
    """A current job of an obligee (nothing is withheld from an obligee's pay)."""
    start = world.as_of - timedelta(days=rng.randint(60, 4000))
    sink.add(
        "employments", party_id, world.employer(rng), start, None, False,
        rng.random() < 0.7,
    )  # fmt: skip
