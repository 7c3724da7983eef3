"""What happens around a case: activities, documents, hearings, insurance,
partner shares and message threads."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from db.enums import (
    CaseStatus,
    CaseType,
    CoverageType,
    DocumentKind,
    HearingKind,
    HearingStatus,
    MessageTopic,
    SenderKind,
    ShareScope,
)
from demo.seed import words
from demo.seed.money import Spell
from demo.seed.people import PartyRef, at, between
from demo.seed.tables import Sink

if TYPE_CHECKING:
    from demo.seed.world import Office, World


@dataclass(slots=True)
class CaseInfo:
    """A written case and what its surroundings are built from."""

    id: int
    number: str
    office: Office
    caseworker_id: int
    status: CaseStatus
    case_type: CaseType
    opened_on: date
    closed_on: date | None
    obligor: PartyRef
    obligee: PartyRef
    children: list[int] = field(default_factory=list)
    orders: list[tuple[int, str, date]] = field(default_factory=list)
    current_order_id: int | None = None
    spells: tuple[Spell, ...] = ()

    @property
    def interstate(self) -> bool:
        """Whether another state's agency works the case too."""
        return self.case_type in (
            CaseType.INTERSTATE_INITIATING,
            CaseType.INTERSTATE_RESPONDING,
        )

    def last_day(self, as_of: date) -> date:
        """The last day anything happened on the case."""
        return self.closed_on or as_of


ROUTINE_ACTIVITIES = (
    ("NOTICE_SENT", "Annual notice of child support rights sent to both parties."),
    ("ADDRESS_VERIFIED", "Mailing address verified with the postal service."),
    ("EMPLOYER_VERIFIED", "Employment verified with the employer."),
    ("LOCATE_COMPLETED", "Locate search completed; new information recorded."),
    ("REVIEW_REQUESTED", "Review of the support order requested by a party."),
    ("PAYMENT_INQUIRY", "Party called about a payment; explained how it was applied."),
    ("ENFORCEMENT_REVIEW", "Case reviewed for enforcement of past-due support."),
    ("INSURANCE_VERIFIED", "Health insurance for the children verified."),
)
ROUTINE_DOCUMENTS = (
    (DocumentKind.NOTICE, "Annual Notice of Child Support Rights"),
    (DocumentKind.LETTER, "Request for Financial Information"),
    (DocumentKind.FORM, "Change of Address Form"),
    (DocumentKind.NOTICE, "Notice of Past-Due Support"),
    (DocumentKind.LETTER, "Payment Record Statement"),
    (DocumentKind.FORM, "Health Insurance Information Form"),
    (DocumentKind.NOTICE, "Notice of Review and Adjustment"),
)
HEARINGS = {
    HearingKind.COURT_HEARING: (
        "Enforcement hearing on past-due support",
        "Hearing on motion to modify the support order",
        "Hearing to confirm support arrears",
    ),
    HearingKind.APPOINTMENT: (
        "Negotiation conference with the caseworker",
        "Review and adjustment conference",
        "Appointment to sign an agreed order",
    ),
    HearingKind.GENETIC_TEST: ("Genetic testing appointment",),
}
FOLLOW_UP = "Thank you. One more question about the same thing."
LOCAL_HOURS = ((15, 0), (16, 30), (19, 30), (21, 0))  # 9:00 to 15:00 central time
TOPICS = (
    (MessageTopic.PAYMENT_QUESTION, "Question about my last payment",
     "I don't see my payment from last week in my history yet. Can you check?",
     "The payment has been received and will post within three business days."),
    (MessageTopic.ADDRESS_CHANGE, "New mailing address",
     "I moved. Please update my mailing address to the one I entered on the portal.",
     "Thank you. We updated your address after verifying it."),
    (MessageTopic.EMPLOYER_CHANGE, "I started a new job",
     "I have a new employer as of this month. What do I need to send you?",
     "We will send an income withholding order to your new employer."),
    (MessageTopic.HEALTH_INSURANCE, "Health insurance for the children",
     "The children's coverage changed at my work. How do I report it?",
     "Please upload the new insurance card or fill in the health insurance form."),
    (MessageTopic.CASE_QUESTION, "Question about my case",
     "When is the next court date on my case?",
     "The hearing date is on your case summary; a notice was also mailed to you."),
    (MessageTopic.OTHER, "Other question",
     "Can I get a copy of my support order?",
     "A copy of the order has been added to your documents."),
)  # fmt: skip


def add_case_history(
    sink: Sink, rng: random.Random, case: CaseInfo, world: World, *, share: bool = True
) -> None:
    """Activities, documents, hearings, insurance and (for an interstate case,
    unless ``share`` is false) the partner share."""
    as_of = world.as_of
    _activities(sink, rng, case, as_of)
    _documents(sink, rng, case, as_of)
    _hearings(sink, rng, case, as_of)
    if case.children and rng.random() < 0.4:
        _insurance(sink, rng, case, as_of)
    if case.interstate and share:
        draw = rng.random()
        scopes = [ShareScope.CASE_READ.value]
        if draw < 0.85:
            scopes.append(ShareScope.PERSONAL_DATA.value)
        if draw < 0.05:
            scopes.append(ShareScope.FEDERAL_TAX_INFO.value)
        shared_on = min(case.opened_on + timedelta(rng.randint(1, 30)), as_of)
        share_case(sink, world.partner_agency_id, case, scopes, shared_on)


#: Activities and documents that reveal where someone lives or that it
#: changed: withheld from others when a participant is protected.
LOCATION_ACTIVITY_CODES = frozenset({"ADDRESS_VERIFIED", "LOCATE_COMPLETED"})
LOCATION_DOCUMENT_TITLES = frozenset({"Change of Address Form"})


def share_case(
    sink: Sink, agency_id: int, case: CaseInfo, scopes: list[str], shared_on: date
) -> None:
    """Share a case with a partner agency."""
    sink.add("partner_case_shares", agency_id, case.id, scopes, shared_on, None)


def _staff(rng: random.Random, case: CaseInfo) -> int:
    if rng.random() < 0.85:
        return case.caseworker_id
    return case.office.supervisor_id


def _activities(sink: Sink, rng: random.Random, case: CaseInfo, as_of: date) -> None:
    last = case.last_day(as_of)
    found: list[tuple[date, str, str]] = [
        (
            case.opened_on,
            "CASE_OPENED",
            "Application for services received; case opened.",
        )
    ]
    for _, number, effective in case.orders:
        found.append(
            (effective, "ORDER_ESTABLISHED", f"Support order {number} entered.")
        )
    ordered = min((effective for _, _, effective in case.orders), default=None)
    for spell in case.spells:
        if ordered is None or (spell.end is not None and spell.end < ordered):
            continue
        issued = max(spell.start, ordered) + timedelta(days=rng.randint(3, 20))
        if issued <= last:
            found.append(
                (issued, "IWO_ISSUED", "Income withholding order sent to employer.")
            )
    target = rng.randint(3, 10)
    while len(found) < target:
        code, text = rng.choice(ROUTINE_ACTIVITIES)
        found.append((between(rng, case.opened_on, last), code, text))
    if case.closed_on is not None:
        found.append(
            (case.closed_on, "CASE_CLOSED", "Case closed; all parties notified.")
        )
    for day, code, text in sorted(found):
        when = at(day, rng.randint(14, 22), rng.randint(0, 59))
        sink.add(
            "case_activities",
            case.id,
            when,
            code,
            text,
            _staff(rng, case),
            code in LOCATION_ACTIVITY_CODES,
        )


def _documents(sink: Sink, rng: random.Random, case: CaseInfo, as_of: date) -> None:
    last = case.last_day(as_of)
    found: list[tuple[date, str, str]] = [
        (min(case.opened_on + timedelta(days=2), as_of), DocumentKind.NOTICE.value,
         "Notice of Child Support Case Opening"),
    ]  # fmt: skip
    for _, number, effective in case.orders:
        found.append(
            (
                effective,
                DocumentKind.COURT_ORDER.value,
                f"Order Establishing Support {number}",
            )
        )
    if case.spells and rng.random() < 0.7:
        found.append(
            (between(rng, case.opened_on, last), DocumentKind.FORM.value,
             "Income Withholding for Support"),
        )  # fmt: skip
    target = rng.randint(2, 6)
    while len(found) < target:
        kind, title = rng.choice(ROUTINE_DOCUMENTS)
        found.append((between(rng, case.opened_on, last), kind.value, title))
    for day, kind_value, title in sorted(found)[:6]:
        sink.add(
            "case_documents",
            case.id,
            kind_value,
            title,
            day,
            title in LOCATION_DOCUMENT_TITLES,
        )


def add_hearing(
    sink: Sink,
    rng: random.Random,
    case: CaseInfo,
    day: date,
    status: HearingStatus,
    kind: HearingKind | None = None,
) -> None:
    """A hearing or appointment on ``day`` during office hours."""
    if kind is None:
        kind = rng.choices(tuple(HEARINGS), weights=(60, 35, 5))[0]
    hour, minute = rng.choice(LOCAL_HOURS)
    office = case.office
    if kind is HearingKind.COURT_HEARING:
        location = f"{office.court(rng.randint(1, 4))}, Courtroom {rng.randint(1, 6)}B"
    else:
        location = (
            f"{office.county.name} County Child Support Office, {office.address_line1}"
        )
    description = rng.choice(HEARINGS[kind])
    sink.add(
        "hearings", case.id, kind.value, status.value, at(day, hour, minute), location,
        description,
    )  # fmt: skip


def _hearings(sink: Sink, rng: random.Random, case: CaseInfo, as_of: date) -> None:
    if rng.random() < 0.3:
        for _ in range(rng.choice((1, 1, 2))):
            day = between(rng, case.opened_on, case.last_day(as_of) - timedelta(days=1))
            status = (
                HearingStatus.COMPLETED
                if rng.random() < 0.9
                else HearingStatus.CANCELLED
            )
            add_hearing(sink, rng, case, day, status)
    if case.status is CaseStatus.OPEN and rng.random() < 0.1:
        upcoming = as_of + timedelta(days=rng.randint(1, 90))
        add_hearing(sink, rng, case, upcoming, HearingStatus.SCHEDULED)


def _insurance(sink: Sink, rng: random.Random, case: CaseInfo, as_of: date) -> None:
    by_obligor = rng.random() < 0.6
    holder = case.obligor if by_obligor else case.obligee
    current = [s for s in case.spells if s.end is None] if by_obligor else []
    employer_id = current[0].employer_id if current and rng.random() < 0.8 else None
    coverage = rng.choices(tuple(CoverageType), weights=(85, 10, 5))[0]
    start = between(rng, case.opened_on, as_of - timedelta(days=30))
    end = between(rng, start, as_of) if rng.random() < 0.1 else None
    carrier = rng.choice(words.CARRIERS)
    group = f"G{rng.randint(10_000, 99_999)}" if rng.random() < 0.7 else None
    policy_id = sink.add(
        "insurance_policies", holder.id, carrier,
        f"{carrier[:3].upper()}{rng.randint(100_000_000, 999_999_999)}", group,
        coverage.value, employer_id, start, end,
    )  # fmt: skip
    for child_id in case.children:
        sink.add("insurance_coverages", policy_id, child_id)


def add_threads(
    sink: Sink, rng: random.Random, party: PartyRef, cases: list[CaseInfo], as_of: date
) -> None:
    """One to three message threads of a party about their cases."""
    for _ in range(rng.choice((1, 1, 2, 3))):
        case = rng.choice(cases)
        started = at(as_of - timedelta(days=rng.randint(2, 700)), rng.randint(13, 23))
        order_id = case.current_order_id if rng.random() < 0.4 else None
        add_thread(
            sink, rng, party.id, case, started, topic=rng.randrange(len(TOPICS)),
            messages=rng.randint(1, 5), order_id=order_id, as_of=as_of,
        )  # fmt: skip


def add_thread(
    sink: Sink,
    rng: random.Random,
    party_id: int,
    case: CaseInfo,
    started: datetime,
    *,
    topic: int,
    messages: int,
    as_of: date,
    order_id: int | None = None,
    unread_last: bool | None = None,
) -> int:
    """A thread opened by the party, answered by the caseworker in turn.

    Staff messages older than a few weeks have been read; recent ones are
    unread half the time, or as ``unread_last`` says for the last one.
    """
    code, subject, asked, answered = TOPICS[topic]
    ceiling = at(as_of, 0)
    rows: list[tuple[str, int | None, str, datetime, datetime | None]] = []
    sent = started
    for index in range(messages):
        if index % 2 == 0:
            if index:
                # The party follows up within a few days of the answer.
                sent += timedelta(hours=rng.randint(1, 72), minutes=rng.randint(0, 59))
            if sent >= ceiling:
                break
            body = asked if index == 0 else FOLLOW_UP
            rows.append((SenderKind.PARTY.value, None, body, sent, None))
        else:
            # Staff answer on one of the next working days, during office hours.
            replied = sent.date() + timedelta(days=rng.randint(1, 2))
            sent = at(replied, rng.randint(14, 22), rng.randint(0, 59))
            if sent >= ceiling:
                break
            seen = sent + timedelta(hours=rng.randint(2, 72))
            read_at: datetime | None = seen if seen < ceiling else None
            if sent > ceiling - timedelta(days=30) and rng.random() < 0.5:
                read_at = None
            rows.append(
                (SenderKind.STAFF.value, case.caseworker_id, answered, sent, read_at)
            )
    if not rows:
        raise ValueError("a thread needs a first message before as_of")
    if unread_last is not None and rows and rows[-1][0] == SenderKind.STAFF.value:
        kind, staff, body, when, read = rows[-1]
        rows[-1] = (kind, staff, body, when, None if unread_last else read)
    thread_id = sink.add(
        "message_threads", party_id, case.id, order_id, code.value, subject,
        rows[-1][3], rows[0][3],
    )  # fmt: skip
    for kind, staff, body, when, read in rows:
        sink.add("messages", thread_id, kind, staff, body, when, read)
    return thread_id
