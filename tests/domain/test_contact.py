"""Contact details as stored: states, ZIP codes, phones, e-mail addresses,
addresses merged part by part, and what an update request changes."""

from __future__ import annotations

import pytest

from domain.contact import (
    US_STATES,
    Address,
    clean_email,
    clean_phone,
    clean_postal_code,
    clean_state,
    clean_text,
    full_address,
    merge_address,
    same_email,
)
from domain.contact_change import (
    OMITTED,
    ContactDetails,
    ContactRequest,
    plan_contact_change,
)
from domain.contact_notices import changed_alert, code_message
from domain.field_errors import FieldError, Refused

HOME = Address("1 Elm St", "Apt 4", "Austin", "TX", "78701")
CURRENT = ContactDetails(HOME, "+15125550199", "mia@mail.example", 3)


def _errors() -> list[FieldError]:
    return []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("TX", "TX"), (" tx ", "TX"), ("DC", "DC"), ("pr", "PR"), ("GU", "GU"),
     ("VI", "VI"), ("AS", "AS"), ("MP", "MP"), ("AE", "AE")],
)  # fmt: skip
def test_states_territories_and_military_codes_are_accepted(
    typed: str, stored: str
) -> None:
    errors = _errors()
    assert clean_state(typed, "state", errors) == stored
    assert errors == []


@pytest.mark.parametrize("typed", ["XX", "Texas", "T", "", "T X", "UK", "ON"])
def test_other_state_codes_are_refused(typed: str) -> None:
    errors = _errors()
    assert clean_state(typed, "a.state", errors) is None
    assert [(e.code, e.field) for e in errors] == [("invalid", "a.state")]


def test_every_state_is_counted_once() -> None:
    assert len(US_STATES) == 50 + 1 + 5 + 3


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("78701", "78701"),
        (" 78701 ", "78701"),
        ("78701-1234", "78701-1234"),
        ("787011234", "78701-1234"),
        ("00501", "00501"),
    ],
)
def test_zip_and_zip_plus_four(typed: str, stored: str) -> None:
    errors = _errors()
    assert clean_postal_code(typed, "zip", errors) == stored
    assert errors == []


@pytest.mark.parametrize(
    "typed",
    [
        "7870",
        "787012",
        "78701-12",
        "78701 1234",
        "ABCDE",
        "00000",
        "",
        "\uff17\uff18\uff17\uff10\uff11",
    ],
)
def test_bad_zip_codes_are_refused(typed: str) -> None:
    errors = _errors()
    assert clean_postal_code(typed, "zip", errors) is None
    assert len(errors) == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("512-555-0199", "+15125550199"),
        ("(512) 555-0199", "+15125550199"),
        ("512.555.0199", "+15125550199"),
        ("+1 512 555 0199", "+15125550199"),
        ("1-512-555-0199", "+15125550199"),
        ("+44 20 7946 0958", "+442079460958"),
        ("787-555-0199", "+17875550199"),  # Puerto Rico
    ],
)
def test_phones_are_stored_in_e164(typed: str, stored: str) -> None:
    errors = _errors()
    assert clean_phone(typed, "phone", errors) == stored
    assert errors == []


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "call me",
        "555-0199",
        "512-555-019",
        "+1 011 555 0199",
        "512-555-0199 x12",
        "512-555-0199 ext. 4",
        "5" * 33,
        "+999 1234 5678",
    ],
)
def test_unusable_phones_are_refused(typed: str) -> None:
    errors = _errors()
    assert clean_phone(typed, "phone", errors) is None
    assert [(e.code, e.field) for e in errors] == [("invalid", "phone")]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("mia@mail.example", "mia@mail.example"),
        (" Mia.R+kids@Mail.EXAMPLE ", "Mia.R+kids@mail.example"),
        ("a@b.co", "a@b.co"),
        ("x@sub.domain.xn--p1ai", "x@sub.domain.xn--p1ai"),
    ],
)
def test_email_addresses_keep_their_local_part(typed: str, stored: str) -> None:
    errors = _errors()
    assert clean_email(typed, "email", errors) == stored
    assert errors == []


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "mia",
        "mia@",
        "@mail.example",
        "mia@localhost",
        "mia@@mail.example",
        "mi a@mail.example",
        "mia.@mail.example",
        ".mia@mail.example",
        "m..ia@mail.example",
        "mia@-mail.example",
        "mia@mail.example.",
        "mia@mail.c",
        "mia@mail.123",
        "mía@mail.example",
        "a" * 65 + "@mail.example",
        "a@" + "b" * 250 + ".org",
    ],
)
def test_unusable_email_addresses_are_refused(typed: str) -> None:
    errors = _errors()
    assert clean_email(typed, "email", errors) is None
    assert len(errors) == 1


def test_same_email_ignores_case_only() -> None:
    assert same_email("Mia@Mail.example", "mia@mail.EXAMPLE")
    assert not same_email("mia@mail.example", "mia2@mail.example")
    assert not same_email(None, "mia@mail.example")


def test_text_is_trimmed_and_checked() -> None:
    errors = _errors()
    assert clean_text("  1   Elm\tSt ", "f", 200, errors) == "1 Elm St"
    assert clean_text("x" * 10, "f", 10, errors) == "x" * 10
    assert errors == []
    for bad in ("", "   ", "x" * 11, "a\x00b", "a\x1bb", "a\u0085b"):
        refused = _errors()
        assert clean_text(bad, "f", 10, refused) is None, bad
        assert len(refused) == 1, bad


def test_merge_keeps_parts_not_given_and_clears_line2_on_null() -> None:
    errors = _errors()
    merged = merge_address(HOME, {"line1": "7 Oak", "line2": None}, "a", errors)
    assert merged == Address("7 Oak", None, "Austin", "TX", "78701")
    blank = merge_address(HOME, {"line2": "  "}, "a", errors)
    assert blank.line2 is None
    assert errors == []


def test_merge_refuses_clearing_required_parts_and_incomplete_results() -> None:
    errors = _errors()
    merge_address(HOME, {"city": None, "state": None}, "a", errors)
    assert [(e.code, e.field) for e in errors] == [
        ("required", "a.city"),
        ("required", "a.state"),
    ]
    incomplete = _errors()
    merge_address(Address(), {"line1": "1 Elm"}, "a", incomplete)
    assert [e.field for e in incomplete] == ["a.city", "a.state", "a.postalCode"]


def test_a_full_address_needs_every_part() -> None:
    errors = _errors()
    typed = {
        "line1": "500 Main",
        "city": "Austin",
        "state": "tx",
        "postalCode": "78701",
    }
    assert full_address(typed, "address", errors) == Address(
        "500 Main", None, "Austin", "TX", "78701"
    )
    assert errors == []


# -- what an update changes -------------------------------------------------


def test_a_stale_version_is_a_conflict_before_anything_else() -> None:
    with pytest.raises(Refused) as refused:
        plan_contact_change(CURRENT, ContactRequest(version=2, email="bad"))
    assert [(e.code, e.field) for e in refused.value.errors] == [
        ("conflict", "version")
    ]


def test_nothing_given_changes_nothing() -> None:
    change = plan_contact_change(CURRENT, ContactRequest(version=3))
    assert change.changed == ()
    assert not change.anything


def test_a_new_phone_changes_now_and_must_be_confirmed() -> None:
    change = plan_contact_change(
        CURRENT, ContactRequest(version=3, phone="512 555 0123")
    )
    assert change.changed == ("phone",)
    assert change.phone == change.phone_to_confirm == "+15125550123"
    assert change.email_to_confirm is None


def test_the_same_unconfirmed_phone_gets_a_new_code_without_a_change() -> None:
    change = plan_contact_change(CURRENT, ContactRequest(version=3, phone="5125550199"))
    assert change.changed == ()
    assert change.phone_to_confirm == "+15125550199"
    confirmed = ContactDetails(HOME, "+15125550199", None, 3, phone_confirmed=True)
    again = plan_contact_change(
        confirmed, ContactRequest(version=3, phone="5125550199")
    )
    assert not again.anything


def test_removing_the_phone_needs_no_code() -> None:
    change = plan_contact_change(CURRENT, ContactRequest(version=3, phone=None))
    assert (change.changed, change.phone, change.phone_to_confirm) == (
        ("phone",),
        None,
        None,
    )


def test_a_new_email_only_becomes_pending() -> None:
    change = plan_contact_change(
        CURRENT, ContactRequest(version=3, email="New@Mail.Example")
    )
    assert change.changed == ()
    assert change.email_to_confirm == "New@mail.example"
    assert change.anything
    same = plan_contact_change(
        CURRENT, ContactRequest(version=3, email="MIA@mail.example")
    )
    assert same.email_to_confirm is None


def test_every_problem_is_reported_at_once() -> None:
    request = ContactRequest(
        version=3,
        address={"state": "XX", "postalCode": "1", "city": None},
        phone="no",
        email=None,
    )
    with pytest.raises(Refused) as refused:
        plan_contact_change(CURRENT, request)
    assert [(e.code, e.field) for e in refused.value.errors] == [
        ("invalid", "mailingAddress.state"),
        ("invalid", "mailingAddress.postalCode"),
        ("required", "mailingAddress.city"),
        ("invalid", "phone"),
        ("required", "email"),
    ]


def test_an_address_cannot_be_removed() -> None:
    with pytest.raises(Refused) as refused:
        plan_contact_change(CURRENT, ContactRequest(version=3, address=None))
    assert [e.field for e in refused.value.errors] == ["mailingAddress"]
    assert OMITTED is ContactRequest(version=3).address


# -- what the party is told ---------------------------------------------------


def test_alerts_name_what_changed_but_no_value() -> None:
    subject, body = changed_alert(
        ("mailingAddress", "phone"), "512-555-0100", email_requested=True
    )
    assert subject == "Your contact details were changed"
    assert "mailing address, phone number" in body
    assert "requested" in body
    assert "call your child support office at 512-555-0100" in body
    _, fallback = changed_alert(("phone",), None)
    assert "case papers" in fallback


def test_code_messages_carry_the_code_and_its_lifetime() -> None:
    _, email = code_message("042917", 15, by_sms=False)
    _, sms = code_message("042917", 15, by_sms=True)
    for body in (email, sms):
        assert "042917" in body
        assert "15 minutes" in body
    assert len(sms) <= 160
