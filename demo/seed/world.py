"""The fixed frame the families live in: agencies, their staff, employers, help."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from db.enums import AgencyKind, StaffRole
from demo.seed import help_content, personas, words
from demo.seed.tables import Sink
from demo.seed.words import County

STATE = "TX"
OFFICE_HOURS = "Monday to Friday, 8:00 a.m. to 5:00 p.m."
STAFF_DOMAIN = "childsupport.example.org"
EMPLOYERS_PER_SCALE = 150


@dataclass(frozen=True, slots=True)
class Office:
    """A county child-support office and the staff who work its cases."""

    agency_id: int
    digit: int
    county: County
    address_line1: str
    postal_code: str
    phone: str
    supervisor_id: int
    caseworker_ids: tuple[int, ...]

    def court(self, number: int) -> str:
        """The name of one of the county's courts at law."""
        return f"County Court at Law No. {number}, {self.county.name} County"


@dataclass(frozen=True, slots=True)
class World:
    """What every family draws on: offices, partner agencies, employers."""

    as_of: date
    offices: tuple[Office, ...]
    weights: tuple[int, ...]
    partner_agency_id: int
    employer_count: int

    def office(self, rng: random.Random) -> Office:
        """A county office, more often a populous one."""
        return rng.choices(self.offices, weights=self.weights)[0]

    def office_by_id(self, agency_id: int) -> Office:
        """The office with the given agency id."""
        return next(o for o in self.offices if o.agency_id == agency_id)

    def employer(self, rng: random.Random) -> int:
        """Any generated employer's id."""
        return rng.randint(*self.employer_range())

    def employer_range(self) -> tuple[int, int]:
        """The first and last id of the generated (non-persona) employers."""
        return personas.FIRST_GENERATED_EMPLOYER_ID, self.employer_count


def phone(rng: random.Random, area_code: str) -> str:
    """A fictional number in the 555-01xx range."""
    return f"({area_code}) 555-01{rng.randint(0, 99):02d}"


def street_address(rng: random.Random) -> str:
    """A house number, street name and kind."""
    street = rng.choice(words.STREETS)
    return f"{rng.randint(100, 9899)} {street} {rng.choice(words.STREET_KINDS)}"


def fein(employer_id: int) -> str:
    """A unique nine-digit employer identification number."""
    return f"{(employer_id * 7_654_321 + 13_579) % 10**9:09d}"


def build_world(sink: Sink, rng: random.Random, scale: int, as_of: date) -> World:
    """Write agencies, staff, employers and help content; return the frame."""
    _partner_agencies_first(sink)
    offices: list[Office] = []
    for digit, county in enumerate(words.COUNTIES, start=1):
        address = street_address(rng)
        postal_code = f"{county.zip_prefix}{rng.randint(1, 99):02d}"
        number = phone(rng, county.area_code)
        agency_id = sink.add(
            "agencies", f"{STATE}-{county.code}",
            f"{county.name} County Child Support Office",
            AgencyKind.COUNTY_OFFICE.value, STATE, county.name, address, county.seat,
            postal_code, number, f"{county.code.lower()}.office@{STAFF_DOMAIN}",
            OFFICE_HOURS,
        )  # fmt: skip
        supervisor, caseworkers = _office_staff(sink, rng, agency_id, county, scale)
        offices.append(
            Office(
                agency_id=agency_id,
                digit=digit,
                county=county,
                address_line1=address,
                postal_code=postal_code,
                phone=number,
                supervisor_id=supervisor,
                caseworker_ids=caseworkers,
            )
        )
    sink.add(
        "agencies", f"{STATE}-COURT-TRAVIS", "Travis County District Court",
        AgencyKind.COURT.value, STATE, "Travis", street_address(rng), "Austin",
        "78701", phone(rng, "512"), f"district.clerk@court.{STAFF_DOMAIN}",
        OFFICE_HOURS,
    )  # fmt: skip
    sink.add(
        "agencies", f"{STATE}-TANF", "State TANF Eligibility Office",
        AgencyKind.TANF_OFFICE.value, STATE, None, street_address(rng), "Austin",
        "78751", phone(rng, "512"), f"tanf@{STAFF_DOMAIN}", OFFICE_HOURS,
    )  # fmt: skip
    employer_count = _employers(sink, rng, EMPLOYERS_PER_SCALE * scale)
    for term, definition in help_content.GLOSSARY:
        sink.add("glossary_terms", term, definition)
    for position, (category, question, answer) in enumerate(help_content.FAQ, 1):
        sink.add("faq_entries", position, category, question, answer)
    return World(
        as_of=as_of,
        offices=tuple(offices),
        weights=tuple(county.weight for county in words.COUNTIES),
        partner_agency_id=personas.PARTNER_AGENCY_ID,
        employer_count=employer_count,
    )


def _partner_agencies_first(sink: Sink) -> None:
    partner = sink.add(
        "agencies", personas.PARTNER_AGENCY_CODE, personas.PARTNER_AGENCY_NAME,
        AgencyKind.PARTNER_STATE_AGENCY.value, "OK", None, "2400 N Lincoln Blvd",
        "Oklahoma City", "73105", "(405) 555-0142",
        f"interstate@ok-css.{STAFF_DOMAIN}", OFFICE_HOURS,
    )  # fmt: skip
    sink.expect_id("agencies", partner, personas.PARTNER_AGENCY_ID)


def _office_staff(
    sink: Sink, rng: random.Random, agency_id: int, county: County, scale: int
) -> tuple[int, tuple[int, ...]]:
    """A supervisor and two caseworkers per unit of scale for one office."""
    caseworkers: list[int] = []
    if agency_id == personas.PERSONA_OFFICE_ID:
        staff_id = sink.add(
            "staff", agency_id, "Alex", "Morgan", StaffRole.CASEWORKER.value,
            f"alex.morgan@{STAFF_DOMAIN}", f"({county.area_code}) 555-0177",
        )  # fmt: skip
        sink.expect_id("staff", staff_id, personas.CASEWORKER_STAFF_ID)
        caseworkers.append(staff_id)
    supervisor = _staff(sink, rng, agency_id, county, StaffRole.SUPERVISOR)
    while len(caseworkers) < 2 * scale:
        caseworkers.append(_staff(sink, rng, agency_id, county, StaffRole.CASEWORKER))
    return supervisor, tuple(caseworkers)


def _staff(
    sink: Sink, rng: random.Random, agency_id: int, county: County, role: StaffRole
) -> int:
    first = rng.choice(words.FEMALE_FIRST + words.MALE_FIRST)
    last = rng.choice(words.LAST)
    number = sink.peek_id("staff")
    return sink.add(
        "staff", agency_id, first, last, role.value,
        f"{first.lower()}.{last.lower()}{number}@{STAFF_DOMAIN}",
        phone(rng, county.area_code),
    )  # fmt: skip


def _employers(sink: Sink, rng: random.Random, count: int) -> int:
    for employer_id, name in personas.PERSONA_EMPLOYERS.items():
        county = words.COUNTIES[0]
        made = sink.add(
            "employers", name, fein(employer_id), street_address(rng), county.seat,
            STATE, f"{county.zip_prefix}{rng.randint(1, 99):02d}",
            phone(rng, county.area_code),
        )  # fmt: skip
        sink.expect_id("employers", made, employer_id)
    last = 0
    while (last := sink.peek_id("employers")) <= count:
        county = rng.choice(words.COUNTIES)
        name = " ".join(
            (
                rng.choice(words.EMPLOYER_FIRST),
                rng.choice(words.EMPLOYER_TRADE),
                rng.choice(words.EMPLOYER_SUFFIX),
            )
        )
        sink.add(
            "employers", name, fein(last), street_address(rng),
            rng.choice(county.cities), STATE,
            f"{county.zip_prefix}{rng.randint(1, 99):02d}",
            phone(rng, county.area_code),
        )  # fmt: skip
    return last - 1
