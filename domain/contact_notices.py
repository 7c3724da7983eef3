"""What the gateway tells a party about their contact details: the code that
confirms a new address or phone, and the alert that their details changed.

Texts name no address, phone or e-mail (old or new) and no person: whoever
reads them (perhaps on a shared phone, perhaps the person who made an
unwanted change) learns only that something changed and whom to call.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.contact_change import ADDRESS, EMAIL, PHONE

_WHAT = {ADDRESS: "mailing address", PHONE: "phone number", EMAIL: "e-mail address"}


def _call(office_phone: str | None) -> str:
    if office_phone:
        return f"call your child support office at {office_phone}"
    return "call your child support office (the number is on your case papers)"


def code_message(code: str, ttl_minutes: int, by_sms: bool) -> tuple[str, str]:
    """Subject and body of a confirmation code."""
    subject = "Your confirmation code"
    if by_sms:
        body = (
            f"Child Support Services: your confirmation code is {code}. It "
            f"expires in {ttl_minutes} minutes. Never share it with anyone."
        )
        return subject, body
    body = (
        f"Your confirmation code is {code}.\n\n"
        f"Enter it in the child support portal within {ttl_minutes} minutes to "
        "confirm this e-mail address. Never share it with anyone; our staff "
        "will never ask for it. If you did not ask for this, ignore this message."
    )
    return subject, body


def changed_alert(
    changed: Iterable[str], office_phone: str | None, *, email_requested: bool = False
) -> tuple[str, str]:
    """Subject and body of the security alert sent when details change (or a
    change of e-mail address is asked for: it takes effect when confirmed)."""
    names = set(changed)
    parts = [_WHAT[name] for name in _WHAT if name in names]
    sentences = []
    if parts:
        sentences.append(
            "The contact details on your child support account were changed "
            f"({', '.join(parts)})."
        )
    if email_requested:
        sentences.append(
            "A change of the e-mail address on your child support account was "
            "requested; it takes effect once confirmed with the code sent to "
            "the new address."
        )
    if not sentences:
        sentences.append("The contact details on your child support account changed.")
    sentences.append(
        f"If this was you, there is nothing to do. If this wasn't you, "
        f"{_call(office_phone)} right away."
    )
    return "Your contact details were changed", " ".join(sentences)
