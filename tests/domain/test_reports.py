"""Employer and health-insurance reports: what may be stored, as stored."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.contact import Address
from domain.employer_report import MAX_INCOME, draft_employer_report
from domain.field_errors import Refused
from domain.health_insurance import clean_policy_number, draft_policy
from domain.reported_dates import EARLIEST, check_start_date

TODAY = date(2026, 12, 2)
JOB: dict[str, Any] = {
    "employer_name": " Acme  Widgets ",
    "address": {
        "line1": "500 Main",
        "city": "Austin",
        "state": "tx",
        "postalCode": "78701",
    },
    "phone": "512-555-0142",
    "start_date": date(2026, 11, 1),
    "income": Decimal("1234.5"),
    "income_frequency": "monthly",
    "today": TODAY,
}


def _fields(refused: pytest.ExceptionInfo[Refused]) -> list[tuple[str, str | None]]:
    return [(e.code, e.field) for e in refused.value.errors]


def test_a_report_is_normalised() -> None:
    draft = draft_employer_report(**JOB)
    assert draft.employer_name == "Acme Widgets"
    assert draft.address == Address("500 Main", None, "Austin", "TX", "78701")
    assert draft.phone == "+15125550142"
    assert draft.income == Decimal("1234.50")
    assert draft.income_frequency == "monthly"


def test_address_phone_and_income_are_optional() -> None:
    draft = draft_employer_report(
        **JOB
        | {"address": None, "phone": None, "income": None, "income_frequency": None}
    )
    assert (draft.address, draft.phone, draft.income) == (None, None, None)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"income": Decimal(0)}, [("invalid", "income")]),
        ({"income": Decimal("-1")}, [("invalid", "income")]),
        ({"income": Decimal("0.001")}, [("invalid", "income")]),
        ({"income": Decimal("NaN")}, [("invalid", "income")]),
        ({"income": Decimal("Infinity")}, [("invalid", "income")]),
        ({"income": MAX_INCOME + Decimal("0.01")}, [("invalid", "income")]),
        ({"income": Decimal("1e30")}, [("invalid", "income")]),
        ({"income": Decimal("1E+999999999")}, [("invalid", "income")]),
        ({"income_frequency": None}, [("required", "incomeFrequency")]),
        ({"income": None}, [("required", "income")]),
        ({"start_date": date(1899, 12, 31)}, [("invalid", "startDate")]),
        ({"start_date": TODAY + timedelta(days=367)}, [("invalid", "startDate")]),
        ({"employer_name": ""}, [("required", "employerName")]),
        (
            {"address": {"line1": "1 A", "city": "B", "state": "TX"}},
            [("required", "address.postalCode")],
        ),
    ],
)
def test_bad_reports_are_refused(
    changes: dict[str, Any], expected: list[tuple[str, str | None]]
) -> None:
    with pytest.raises(Refused) as refused:
        draft_employer_report(**JOB | changes)
    assert _fields(refused) == expected


def test_the_largest_income_and_earliest_and_latest_starts_pass() -> None:
    draft_employer_report(**JOB | {"income": MAX_INCOME})
    errors: list[Any] = []
    check_start_date(EARLIEST, TODAY, "d", errors)
    check_start_date(TODAY + timedelta(days=366), TODAY, "d", errors)
    assert errors == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("xgh 98-12345678", "XGH98-12345678"), ("12345", "12345"), ("a" * 40, "A" * 40)],
)
def test_policy_numbers_are_normalised(typed: str, stored: str) -> None:
    errors: list[Any] = []
    assert clean_policy_number(typed, "n", errors) == stored
    assert errors == []


@pytest.mark.parametrize(
    "typed", ["1234", "", "A" * 41, "AB$12345", "-12345", "ÄB12345"]
)
def test_bad_policy_numbers_are_refused(typed: str) -> None:
    errors: list[Any] = []
    assert clean_policy_number(typed, "n", errors) is None
    assert len(errors) == 1


def test_a_policy_draft_lists_every_problem() -> None:
    with pytest.raises(Refused) as refused:
        draft_policy(
            carrier="",
            policy_number="12",
            group_number="G#",
            coverage_type="medical",
            start_date=date(1800, 1, 1),
            children=21,
            today=TODAY,
        )
    assert _fields(refused) == [
        ("required", "carrier"),
        ("invalid", "policyNumber"),
        ("invalid", "groupNumber"),
        ("invalid", "startDate"),
        ("invalid", "coveredChildren"),
    ]


def test_a_blank_group_number_is_none() -> None:
    draft = draft_policy(
        carrier="Blue",
        policy_number="ABCDE1",
        group_number=" ",
        coverage_type="dental",
        start_date=TODAY,
        children=0,
        today=TODAY,
    )
    assert draft.group_number is None
