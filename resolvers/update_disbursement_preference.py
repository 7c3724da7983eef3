"""``updateDisbursementPreference``: how an obligee (or caretaker) receives
payments, direct deposit or a prepaid card; a caseworker may set it for a
party of their office.

One transaction: who the change is for (``acting_for_party``, which refuses
a party who only pays), no card number anywhere in the input, the choice
checked (``domain.disbursement_choice``), the preference on file locked
(``FOR UPDATE``) and its version compared, then the upsert (a concurrent first
choice is a conflict, through the unique party id), the cases touched, a
security alert queued in the outbox, and the audit record. The account number
is kept only as a keyed digest beside its last four digits.

Redirecting a parent's support is the classic account-takeover prize, hence
the alert on every change, whoever made it, by e-mail whatever the party's
notification choices (``delivery.outbox.MANDATORY_EMAIL``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import acting_for_party
from db.changes import touch_cases_of_party
from db.enums import DisbursementMethod, NotificationTopic
from db.models import DisbursementPreference as Preference
from delivery.outbox import notify
from domain.card_numbers import card_number_field
from domain.digests import keyed_digest
from domain.disbursement_choice import (
    DIGEST_PURPOSE,
    Choice,
    choice_errors,
    destination,
    version_error,
)
from domain.field_errors import CONFLICT, FieldError, Refused
from resolvers.mutation import (
    as_errors,
    audited_party,
    party_pk,
    principal_of,
    record_success,
    run,
)
from schema.context import Info
from schema.disbursement import (
    DisbursementPreferenceError,
    DisbursementPreferenceErrorCode,
    UpdateDisbursementPreferenceInput,
    UpdateDisbursementPreferencePayload,
)

MUTATION = "updateDisbursementPreference"
ACTION = "update_disbursement_preference"
CARD_NUMBER = "card_number_not_allowed"

#: What the change answers with (``schema.personal.DisbursementPreference``).
_READ_BACK = (
    Preference.id,
    Preference.method,
    Preference.account_last4,
    Preference.routing_number,
    Preference.account_type,
    Preference.version,
    Preference.updated_at,
)

ALERT_SUBJECT = "Your payment method was changed"
ALERT_BODY = (
    "The way you receive child support payments was just changed. If you did "
    "not make this change, call your child support office right away. Log in "
    "to the portal to see your payment method."
)


def _typed(data: UpdateDisbursementPreferenceInput) -> dict[str, str | None]:
    """The input's free-text fields where a card number does not belong. The
    account number is not among them: one bank account number in ten of 13 to
    17 digits passes the Luhn check, and what is kept of it (a keyed digest and
    the last four digits) is all PCI DSS allows of a card number anyway."""
    return {
        "party_id": data.party_id,
        "routing_number": data.routing_number,
    }


def _values(choice: Choice, secret: bytes, current: Any) -> dict[str, Any]:
    """The columns a checked choice sets (the account number only digested)."""
    kept = destination(
        choice,
        None if current is None else DisbursementMethod(current.method),
        None if current is None else current.account_last4,
    )
    digest = None
    if kept.digested is not None:
        digest = keyed_digest(secret, DIGEST_PURPOSE, kept.digested)
    return {
        "method": kept.method,
        "account_last4": kept.account_last4,
        "routing_number": kept.routing_number,
        "account_type": kept.account_type,
        "account_digest": digest,
    }


async def _store(
    conn: AsyncConnection,
    party_id: int,
    choice: Choice,
    version: int | None,
    secret: bytes,
) -> Any:
    """Upsert under the row lock, after the version check."""
    current = (
        await conn.execute(
            select(Preference.method, Preference.account_last4, Preference.version)
            .where(Preference.party_id == party_id)
            .with_for_update()
        )
    ).one_or_none()
    on_file = None if current is None else int(current.version)
    if (error := version_error(on_file, version)) is not None:
        raise Refused(error)
    values = _values(choice, secret, current)
    if current is None:
        created = (
            await conn.execute(
                insert(Preference)
                .values(party_id=party_id, **values)
                .on_conflict_do_nothing(index_elements=[Preference.party_id])
                .returning(*_READ_BACK)
            )
        ).one_or_none()
        if created is None:
            # chosen concurrently since the lookup: this one read nothing
            raise Refused(
                FieldError(
                    CONFLICT,
                    "version",
                    "A payment method was just set elsewhere: reload and try again.",
                )
            )
        return created
    return (
        await conn.execute(
            update(Preference)
            .where(Preference.party_id == party_id)
            .values(**values, version=Preference.version + 1, updated_at=func.now())
            .returning(*_READ_BACK)
        )
    ).one()


async def update_disbursement_preference(
    info: Info, data: UpdateDisbursementPreferenceInput
) -> UpdateDisbursementPreferencePayload:
    principal = principal_of(info)
    secret = info.context.settings.digest_secret
    choice = Choice(
        DisbursementMethod[data.method.name],
        data.routing_number,
        data.account_number,
        data.account_type,
    )
    attempted_for = audited_party(principal, data.party_id)

    async def change(conn: AsyncConnection) -> Any:
        acting = await acting_for_party(
            conn, principal, MUTATION, party_pk(data.party_id)
        )
        if (field := card_number_field(_typed(data))) is not None:
            raise Refused(
                FieldError(
                    CARD_NUMBER,
                    field,
                    "This looks like a card number. Card numbers are never "
                    "accepted: for a prepaid card choose PREPAID_CARD.",
                )
            )
        if errors := choice_errors(choice):
            raise Refused(*errors)
        stored = await _store(conn, acting.party_id, choice, data.version, secret)
        await touch_cases_of_party(conn, acting.party_id)
        await notify(
            conn,
            acting.party_id,
            NotificationTopic.SECURITY_ALERT,
            f"disbursement-preference:{stored.id}:v{stored.version}",
            ALERT_SUBJECT,
            ALERT_BODY,
        )
        record_success(
            info,
            ACTION,
            acting,
            object_type="Party",
            object_id=acting.party_id,
            fields=("disbursementPreference",),
            detail={
                "method": DisbursementMethod(stored.method).value,
                "version": stored.version,
            },
        )
        return stored

    result = await run(
        info, ACTION, change, object_type="Party", object_id=attempted_for
    )
    if isinstance(result, list):
        return UpdateDisbursementPreferencePayload(
            disbursement_preference=None,
            errors=as_errors(
                result, DisbursementPreferenceError, DisbursementPreferenceErrorCode
            ),
        )
    # a row, served as DisbursementPreference by attribute
    return UpdateDisbursementPreferencePayload(
        disbursement_preference=result,
        errors=[],
    )
