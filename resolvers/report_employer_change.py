"""``reportEmployerChange``: a new employer, stored PENDING for the caseworker.

One transaction: who acts for whom, the report checked (``domain.
employer_report``), the party's row locked (a retried report finds the one
it already stored instead of storing it twice), the row inserted, the
party's cases touched, the audit record. Nobody is notified.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.acting import Acting, acting_for_party
from db.changes import touch_cases_of_party
from db.contact import lock_party
from db.enums import ActorKind, EmployerReportStatus
from db.models import EmployerReport
from domain.card_numbers import refuse_card_numbers
from domain.contact import ADDRESS_PARTS
from domain.employer_report import EmployerReportDraft, draft_employer_report
from resolvers.mutation import (
    audited_party,
    party_pk,
    principal_of,
    record_success,
    run,
)
from resolvers.party_records import contact_errors
from schema.context import Info
from schema.reports import (
    EmployerAddressInput,
    ReportEmployerChangeInput,
    ReportEmployerChangePayload,
)

ACTION = "report_employer_change"
MUTATION = "reportEmployerChange"


def _address(value: EmployerAddressInput | None) -> dict[str, str | None] | None:
    if value is None:
        return None
    # an employer's address has no second line
    return {
        name: getattr(value, column)
        for name, column in ADDRESS_PARTS.items()
        if name != "line2"
    }


def draft_of(data: ReportEmployerChangeInput, today: date) -> EmployerReportDraft:
    return draft_employer_report(
        employer_name=data.employer_name,
        address=_address(data.address),
        phone=data.phone,
        start_date=data.start_date,
        income=data.income,
        income_frequency=None
        if data.income_frequency is None
        else data.income_frequency.value,
        today=today,
    )


def _values(draft: EmployerReportDraft) -> dict[str, Any]:
    address = draft.address
    return {
        "employer_name": draft.employer_name,
        "address_line1": address.line1 if address else None,
        "city": address.city if address else None,
        "state": address.state if address else None,
        "postal_code": address.postal_code if address else None,
        "phone": draft.phone,
        "start_date": draft.start_date,
        "income": draft.income,
        "income_frequency": draft.income_frequency,
    }


async def _store(
    conn: AsyncConnection, acting: Acting, draft: EmployerReportDraft
) -> tuple[int, bool]:
    """The report's id, and whether it is new (an identical pending report
    of the party is not stored again)."""
    values = _values(draft)
    r = EmployerReport
    same = [
        r.party_id == acting.party_id,
        r.status == EmployerReportStatus.PENDING,
        *(
            getattr(r, column).is_not_distinct_from(value)
            for column, value in values.items()
        ),
    ]
    found = await conn.scalar(select(r.id).where(*same).order_by(r.id).limit(1))
    if found is not None:
        return int(found), False
    reporter = (
        (ActorKind.STAFF, acting.staff_id)
        if acting.staff_id is not None
        else (ActorKind.PARTY, acting.party_id)
    )
    report_id = await conn.scalar(
        insert(r)
        .values(
            party_id=acting.party_id,
            reported_by_kind=reporter[0],
            reported_by_id=reporter[1],
            status=EmployerReportStatus.PENDING,
            created_at=func.now(),
            **values,
        )
        .returning(r.id)
    )
    await touch_cases_of_party(conn, acting.party_id)
    return int(report_id), True  # type: ignore[arg-type]


async def report_employer_change(
    info: Info, data: ReportEmployerChangeInput
) -> ReportEmployerChangePayload:
    principal = principal_of(info)

    async def change(conn: AsyncConnection) -> tuple[int, int]:
        acting = await acting_for_party(
            conn, principal, MUTATION, party_pk(data.party_id)
        )
        refuse_card_numbers(data)
        draft = draft_of(data, info.context.as_of)
        await lock_party(conn, acting.party_id)
        report_id, new = await _store(conn, acting, draft)
        record_success(
            info,
            ACTION,
            acting,
            object_type="EmployerReport",
            object_id=report_id,
            fields=("employer",),
            detail=None if new else {"already_reported": True},
        )
        return acting.party_id, report_id

    result = await run(
        info,
        ACTION,
        change,
        object_type="Party",
        object_id=audited_party(principal, data.party_id),
    )
    if isinstance(result, list):
        return ReportEmployerChangePayload(
            employer_report=None, errors=contact_errors(result)
        )
    party_id, report_id = result
    rows = await info.context.loaders.employer_reports_by_party_id.load(party_id)
    report = next(row for row in rows if row.pk == report_id)
    # a row, served as EmployerReport (its fields are the row's columns)
    return ReportEmployerChangePayload(
        employer_report=report,  # type: ignore[arg-type]
        errors=[],
    )
