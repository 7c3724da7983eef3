"""The personas' family, written first with fixed ids, names and numbers.

Dates are relative to ``as_of``; the random parts (payment amounts, activity
times) come from a stream of their own, the same whatever the seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from db.enums import (
    AssistanceStatus,
    CaseStatus,
    CaseType,
    DisbursementMethod,
    FamilyViolenceCode,
    Frequency,
    HearingKind,
    HearingStatus,
    ObligationKind,
    OrderStatus,
    ShareScope,
)
from demo.seed import personas as p
from demo.seed.cases import (
    CaseShape,
    OrderShape,
    add_child,
    add_order,
    open_case,
)
from demo.seed.casework import (
    CaseInfo,
    add_case_history,
    add_hearing,
    add_thread,
    share_case,
)
from demo.seed.ledger import simulate
from demo.seed.money import Payer, PayStyle, Spell
from demo.seed.people import (
    Address,
    PartyRef,
    Person,
    add_employment,
    add_notification_preferences,
    add_obligee,
    add_party,
    add_violence_indicator,
    at,
    years_before,
)
from demo.seed.tables import Sink
from demo.seed.world import World

PERSONA_STREAM = "case-gateway-personas"
MONTHLY = Frequency.MONTHLY


def add_personas(sink: Sink, world: World) -> list[CaseInfo]:
    """Write Marcus Reyes, Dana Whitfield, Rosa Delgado and their two cases."""
    rng = random.Random(PERSONA_STREAM)
    as_of = world.as_of
    five = years_before(as_of, 5)
    marcus = _marcus(sink, as_of)
    dana = _dana(sink, rng, as_of)
    rosa = _rosa(sink, rng, as_of)
    first = _first_case(sink, rng, world, marcus, dana, five)
    second = _second_case(sink, rng, world, marcus, rosa, five)
    add_case_history(sink, rng, first, world)
    add_case_history(sink, rng, second, world, share=False)
    share_case(
        sink, p.PARTNER_AGENCY_ID, second,
        [ShareScope.CASE_READ.value, ShareScope.PERSONAL_DATA.value],
        second.opened_on + timedelta(days=10),
    )  # fmt: skip
    add_violence_indicator(
        sink, rosa.id, p.CASEWORKER_STAFF_ID, second.opened_on + timedelta(days=30),
        code=FamilyViolenceCode.FAMILY_VIOLENCE,
    )  # fmt: skip
    add_hearing(
        sink, rng, second, as_of + timedelta(days=24), HearingStatus.SCHEDULED,
        HearingKind.COURT_HEARING,
    )  # fmt: skip
    add_thread(
        sink, rng, dana.id, first, at(as_of - timedelta(days=200), 15), topic=1,
        messages=2, as_of=as_of, unread_last=False,
    )  # fmt: skip
    add_thread(
        sink, rng, dana.id, first, at(as_of - timedelta(days=6), 16), topic=0,
        messages=2, as_of=as_of, order_id=p.FIRST_ORDER_ID, unread_last=True,
    )  # fmt: skip
    add_thread(
        sink, rng, marcus.id, second, at(as_of - timedelta(days=40), 14), topic=4,
        messages=3, as_of=as_of, order_id=p.SECOND_ORDER_ID,
    )  # fmt: skip
    for party in (marcus, dana, rosa):
        add_notification_preferences(sink, rng, party.id)
    return [first, second]


def _marcus(sink: Sink, as_of: date) -> PartyRef:
    person = Person(
        "Marcus", "Anthony", "Reyes", years_before(as_of, 38) - timedelta(days=47),
        Address("4417 Pecan Grove Dr", None, "Austin", "TX", "78745", "512"),
        "(512) 555-0123", "marcus.reyes@example.com",
        at(as_of - timedelta(days=400), 18, 5),
    )  # fmt: skip
    marcus = PartyRef(add_party(sink, person), person)
    sink.expect_id("parties", marcus.id, p.OBLIGOR_PARTY_ID)
    return marcus


def _dana(sink: Sink, rng: random.Random, as_of: date) -> PartyRef:
    person = Person(
        "Dana", "Michelle", "Whitfield", years_before(as_of, 35) - timedelta(days=190),
        Address("1208 Bluebonnet Ln", "Apt 3C", "Austin", "TX", "78704", "512"),
        "(512) 555-0188", "dana.whitfield@example.com",
        at(as_of - timedelta(days=700), 20, 41),
    )  # fmt: skip
    dana = add_obligee(sink, rng, person, method=DisbursementMethod.DIRECT_DEPOSIT)
    sink.expect_id("parties", dana.id, p.OBLIGEE_PARTY_ID)
    return dana


def _rosa(sink: Sink, rng: random.Random, as_of: date) -> PartyRef:
    person = Person(
        "Rosa", None, "Delgado", years_before(as_of, 31) - timedelta(days=12),
        Address("77 Mesquite Trl", None, "Pflugerville", "TX", "78660", "512"),
        "(512) 555-0150", "rosa.delgado@example.net", None,
    )  # fmt: skip
    rosa = add_obligee(sink, rng, person, method=DisbursementMethod.PREPAID_CARD)
    sink.expect_id("parties", rosa.id, p.PROTECTED_PARTY_ID)
    return rosa


def _first_case(
    sink: Sink, rng: random.Random, world: World, marcus: PartyRef, dana: PartyRef,
    five: date,
) -> CaseInfo:  # fmt: skip
    as_of = world.as_of
    office = world.office_by_id(p.PERSONA_OFFICE_ID)
    shape = CaseShape(
        CaseStatus.OPEN, AssistanceStatus.NEVER_TANF, five - timedelta(days=120), None,
        (OrderShape(five, None, OrderStatus.ACTIVE),), None, False,
    )  # fmt: skip
    case = open_case(
        sink, shape, CaseType.IV_D, office, p.CASEWORKER_STAFF_ID, marcus, dana,
        number=p.FIRST_CASE_NUMBER,
    )  # fmt: skip
    sink.expect_id("cases", case.id, p.FIRST_CASE_ID)
    for first, age in (("Jayden", 11), ("Mia", 8)):
        born = years_before(as_of, age) - timedelta(days=rng.randint(10, 300))
        add_child(sink, first, "Reyes", born, case, address_of=dana.person)
    job_change = years_before(as_of, 3)
    spells = (
        Spell(2, years_before(as_of, 9), job_change - timedelta(days=40)),
        Spell(p.OBLIGOR_EMPLOYER_ID, job_change + timedelta(days=75), None),
    )
    for spell in spells:
        add_employment(
            sink, marcus.id, spell.employer_id, spell.start, spell.end, withholding=True
        )
    case.spells = spells
    book = add_order(
        sink, rng, case, shape, shape.orders[0],
        [
            (ObligationKind.CURRENT_CHILD_SUPPORT, Decimal("612.50"), MONTHLY),
            (ObligationKind.MEDICAL_SUPPORT, Decimal("85.00"), MONTHLY),
        ],
        number=p.FIRST_ORDER_NUMBER,
    )  # fmt: skip
    sink.expect_id("support_orders", book.order_id, p.FIRST_ORDER_ID)
    payer = Payer(marcus.id, PayStyle.WITHHOLDING, spells, payday=12,
                  miss_rate=0.02, partial_rate=0.03)  # fmt: skip
    simulate(sink, rng, book, payer, as_of)
    return case


def _second_case(
    sink: Sink, rng: random.Random, world: World, marcus: PartyRef, rosa: PartyRef,
    five: date,
) -> CaseInfo:  # fmt: skip
    as_of = world.as_of
    office = world.office_by_id(p.PERSONA_OFFICE_ID)
    opened = five - timedelta(days=200)
    shape = CaseShape(
        CaseStatus.OPEN, AssistanceStatus.FORMER_TANF, opened, None,
        (OrderShape(five, None, OrderStatus.ACTIVE),),
        five + timedelta(days=500), True,
    )  # fmt: skip
    case = open_case(
        sink, shape, CaseType.INTERSTATE_INITIATING, office, p.CASEWORKER_STAFF_ID,
        marcus, rosa, number=p.SECOND_CASE_NUMBER,
    )  # fmt: skip
    sink.expect_id("cases", case.id, p.SECOND_CASE_ID)
    born = years_before(as_of, 7) - timedelta(days=rng.randint(10, 300))
    add_child(sink, "Sofia", "Delgado", born, case, address_of=rosa.person)
    book = add_order(
        sink, rng, case, shape, shape.orders[0],
        [
            (ObligationKind.CURRENT_CHILD_SUPPORT, Decimal("425.00"), MONTHLY),
            (ObligationKind.ARREARS_REPAYMENT, Decimal("75.00"), MONTHLY),
        ],
        number=p.SECOND_ORDER_NUMBER, judgment=Decimal("8400.00"),
    )  # fmt: skip
    sink.expect_id("support_orders", book.order_id, p.SECOND_ORDER_ID)
    payer = Payer(
        marcus.id, PayStyle.OTHER_STATE, payday=20, miss_rate=0.35, partial_rate=0.3
    )
    simulate(sink, rng, book, payer, as_of)
    return case
