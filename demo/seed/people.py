"""Parties and what belongs to a person: identity, address, jobs, preferences."""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from db.enums import (
    DisbursementMethod,
    FamilyViolenceCode,
    NotificationChannel,
    NotificationTopic,
)
from demo.seed import words
from demo.seed.money import Spell
from demo.seed.tables import Sink
from demo.seed.words import County

# Demo data only: real SSN digests are keyed with a secret, never a constant.
SSN_KEY = b"demo-ssn-key"


@dataclass(frozen=True, slots=True)
class Address:
    """A mailing address."""

    line1: str
    line2: str | None
    city: str
    state: str
    postal_code: str
    area_code: str


@dataclass(frozen=True, slots=True)
class Person:
    """Everything a party row holds except its id and SSN."""

    first_name: str
    middle_name: str | None
    last_name: str
    date_of_birth: date
    address: Address
    phone: str | None
    email: str | None
    email_verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A party that was written, with what later rows need of it."""

    id: int
    person: Person
    disbursement_method: str = DisbursementMethod.CHECK.value


def demo_ssn(party_id: int) -> str:
    """The party's fictional nine-digit SSN; the 9xx area is never issued."""
    return f"9{(party_id * 48_271 + 12_345) % 10**8:08d}"


def ssn_digest(ssn: str) -> bytes:
    """The keyed digest stored in place of the SSN (32 bytes)."""
    return hmac.new(SSN_KEY, ssn.encode(), hashlib.sha256).digest()


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (Feb 29 becomes Feb 28)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on ``day`` in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def between(rng: random.Random, first: date, last: date) -> date:
    """A day in ``[first, last]`` (``first`` when the range is empty)."""
    span = (last - first).days
    return first if span <= 0 else first + timedelta(days=rng.randint(0, span))


def local_address(rng: random.Random, county: County) -> Address:
    """An address somewhere in ``county``."""
    line2 = rng.choice(words.UNITS) if rng.random() < 0.3 else None
    return Address(
        line1=f"{rng.randint(100, 9899)} {rng.choice(words.STREETS)} "
        f"{rng.choice(words.STREET_KINDS)}",
        line2=line2,
        city=rng.choice(county.cities),
        state="TX",
        postal_code=f"{county.zip_prefix}{rng.randint(1, 99):02d}",
        area_code=county.area_code,
    )


def out_of_state_address(rng: random.Random) -> Address:
    """An address in the partner state."""
    city, state, prefix, area = rng.choice(words.OUT_OF_STATE_CITIES)
    return Address(
        line1=f"{rng.randint(100, 9899)} {rng.choice(words.STREETS)} "
        f"{rng.choice(words.STREET_KINDS)}",
        line2=None,
        city=city,
        state=state,
        postal_code=f"{prefix}{rng.randint(1, 99):02d}",
        area_code=area,
    )


def random_person(
    rng: random.Random,
    as_of: date,
    address: Address,
    *,
    female: bool,
    ages: tuple[int, int] = (20, 50),
    last_name: str | None = None,
) -> Person:
    """A plausible adult living at ``address``."""
    first = rng.choice(words.FEMALE_FIRST if female else words.MALE_FIRST)
    last = last_name or rng.choice(words.LAST)
    oldest, youngest = years_before(as_of, ages[1]), years_before(as_of, ages[0])
    middle = rng.choice(words.MIDDLE_INITIAL_NAMES) if rng.random() < 0.6 else None
    has_email = rng.random() < 0.85
    email = None
    verified = None
    if has_email:
        mailbox = f"{first}.{last}{rng.randint(1, 999)}".lower().replace(" ", "")
        email = f"{mailbox}@example.{rng.choice(('com', 'net', 'org'))}"
        if rng.random() < 0.8:
            verified = at(as_of - timedelta(days=rng.randint(5, 1500)),
                          rng.randint(13, 23), rng.randint(0, 59))  # fmt: skip
    return Person(
        first_name=first,
        middle_name=middle,
        last_name=last,
        date_of_birth=between(rng, oldest, youngest),
        address=address,
        phone=(
            f"({address.area_code}) 555-01{rng.randint(0, 99):02d}"
            if rng.random() < 0.92
            else None
        ),
        email=email,
        email_verified_at=verified,
    )


def add_party(sink: Sink, person: Person) -> int:
    """Write a party row; its SSN derives from the id, so it is unique."""
    ssn = demo_ssn(sink.peek_id("parties"))
    a = person.address
    return sink.add(
        "parties", person.first_name, person.middle_name, person.last_name,
        person.date_of_birth, ssn_digest(ssn), ssn[-4:], a.line1, a.line2, a.city,
        a.state, a.postal_code, person.phone, person.email, person.email_verified_at,
    )  # fmt: skip


def add_obligee(
    sink: Sink,
    rng: random.Random,
    person: Person,
    *,
    preference: float = 0.8,
    method: DisbursementMethod | None = None,
) -> PartyRef:
    """Write an obligee and, usually (always when ``method`` is given), how they
    want payments sent."""
    party_id = add_party(sink, person)
    if method is None and rng.random() < preference:
        direct = rng.random() < 0.6
        method = (
            DisbursementMethod.DIRECT_DEPOSIT
            if direct
            else DisbursementMethod.PREPAID_CARD
        )
    if method is None:
        return PartyRef(party_id, person, DisbursementMethod.CHECK.value)
    last4 = f"{rng.randint(0, 9999):04d}"
    sink.add("disbursement_preferences", party_id, method.value, last4)
    return PartyRef(party_id, person, method.value)


def add_employment(
    sink: Sink,
    party_id: int,
    employer_id: int,
    start: date,
    end: date | None,
    *,
    withholding: bool,
    verified: bool = True,
) -> None:
    """Write one employment record."""
    sink.add("employments", party_id, employer_id, start, end, withholding, verified)


def work_history(
    sink: Sink,
    rng: random.Random,
    party_id: int,
    employers: tuple[int, int],
    as_of: date,
    *,
    withholding: bool,
) -> tuple[Spell, ...]:
    """Jobs with gaps between them, written as employments; the spells returned
    are those whose pay was withheld (none unless ``withholding``)."""
    first, last = employers
    start = as_of - timedelta(days=rng.randint(6 * 365, 14 * 365))
    spells: list[Spell] = []
    gaps = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
    for index in range(gaps + 1):
        employer = rng.randint(first, last)
        if index == gaps:
            end = (
                as_of - timedelta(days=rng.randint(20, 300))
                if rng.random() < 0.1
                else None
            )
        else:
            remaining = (as_of - start).days
            end = start + timedelta(days=rng.randint(remaining // 6, remaining // 2))
        add_employment(sink, party_id, employer, start, end, withholding=withholding,
                       verified=rng.random() < 0.9)  # fmt: skip
        spells.append(Spell(employer, start, end))
        if end is None:
            break
        start = end + timedelta(days=rng.randint(45, 300))
        if start >= as_of:
            break
    return tuple(spells) if withholding else ()


def add_violence_indicator(
    sink: Sink,
    party_id: int,
    staff_id: int,
    set_on: date,
    *,
    code: FamilyViolenceCode = FamilyViolenceCode.FAMILY_VIOLENCE,
    cleared_on: date | None = None,
) -> None:
    """Flag a person as at risk: their details are then kept from others."""
    sink.add(
        "family_violence_indicators", party_id, code.value, set_on, staff_id, cleared_on
    )


NOTIFICATION_CHANCES = (
    (NotificationTopic.PAYMENT_RECEIVED, NotificationChannel.EMAIL, 0.8),
    (NotificationTopic.PAYMENT_RECEIVED, NotificationChannel.SMS, 0.45),
    (NotificationTopic.PAYMENT_DISBURSED, NotificationChannel.EMAIL, 0.8),
    (NotificationTopic.PAYMENT_DISBURSED, NotificationChannel.SMS, 0.45),
    (NotificationTopic.CASE_UPDATE, NotificationChannel.EMAIL, 0.7),
    (NotificationTopic.CASE_UPDATE, NotificationChannel.SMS, 0.3),
    (NotificationTopic.COURT_DATE, NotificationChannel.EMAIL, 0.7),
    (NotificationTopic.COURT_DATE, NotificationChannel.SMS, 0.3),
)


def add_notification_preferences(sink: Sink, rng: random.Random, party_id: int) -> None:
    """One party's choices of topic and channel (the others keep defaults)."""
    for topic, channel, chance in NOTIFICATION_CHANCES:
        sink.add(
            "notification_preferences", party_id, topic.value, channel.value,
            rng.random() < chance,
        )  # fmt: skip


def moved_in(person: Person, address: Address) -> Person:
    """The same person at another address."""
    return replace(person, address=address)
