"""The demo personas: fixed people, staff and agencies present at every scale.

Other code (the development issuer, tests, the README's walkthrough) imports
these ids and numbers; the generator writes the personas first so they always
get the lowest ids. This module imports nothing else from the generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Agencies
PARTNER_AGENCY_ID = 1
PARTNER_AGENCY_CODE = "OK-CSS"
PARTNER_AGENCY_NAME = "Oklahoma Child Support Services"
PERSONA_OFFICE_ID = 2  # Travis County Child Support Office, code TX-TRAVIS

# Staff
CASEWORKER_STAFF_ID = 1

# Parties
OBLIGOR_PARTY_ID = 1
OBLIGEE_PARTY_ID = 2
PROTECTED_PARTY_ID = 3

# Marcus Reyes's cases: the first with Dana Whitfield, the second with Rosa Delgado
FIRST_CASE_ID = 1
FIRST_CASE_NUMBER = "4100000001"
SECOND_CASE_ID = 2
SECOND_CASE_NUMBER = "4100000002"
FIRST_ORDER_ID = 1
FIRST_ORDER_NUMBER = "SO41000001"
SECOND_ORDER_ID = 2
SECOND_ORDER_NUMBER = "SO41000002"

# Marcus's current and former employer; generated employers follow
PERSONA_EMPLOYERS = {1: "Capital City Logistics LLC", 2: "Hill Country Roofing Co."}
OBLIGOR_EMPLOYER_ID = 1
FIRST_GENERATED_EMPLOYER_ID = 3

PersonaKind = Literal["party", "staff", "agency"]


@dataclass(frozen=True, slots=True)
class Persona:
    """A fixed demo principal and the row that stands for it."""

    key: str
    kind: PersonaKind
    display_name: str
    description: str
    party_id: int | None = None
    staff_id: int | None = None
    agency_id: int | None = None


PERSONAS: dict[str, Persona] = {
    persona.key: persona
    for persona in (
        Persona(
            "obligor",
            "party",
            "Marcus Reyes",
            "Obligor on two cases with different obligees, five years of history: "
            f"{FIRST_CASE_NUMBER} (income withholding) and {SECOND_CASE_NUMBER} "
            "(interstate, enforced through Oklahoma, in arrears).",
            party_id=OBLIGOR_PARTY_ID,
        ),
        Persona(
            "obligee",
            "party",
            "Dana Whitfield",
            f"Obligee on {FIRST_CASE_NUMBER}; paid by direct deposit; has an unread "
            "message from her caseworker.",
            party_id=OBLIGEE_PARTY_ID,
        ),
        Persona(
            "protected",
            "party",
            "Rosa Delgado",
            f"Obligee on {SECOND_CASE_NUMBER} with an active family-violence "
            "indicator: her contact details are never disclosed to others.",
            party_id=PROTECTED_PARTY_ID,
        ),
        Persona(
            "caseworker",
            "staff",
            "Alex Morgan",
            "Caseworker at the Travis County office, assigned to both of Marcus "
            "Reyes's cases.",
            staff_id=CASEWORKER_STAFF_ID,
        ),
        Persona(
            "partner",
            "agency",
            PARTNER_AGENCY_NAME,
            f"Partner state agency ({PARTNER_AGENCY_CODE}); {SECOND_CASE_NUMBER} is "
            "shared with it for case and personal data.",
            agency_id=PARTNER_AGENCY_ID,
        ),
    )
}
