"""``reportHealthInsurance``: a policy the party holds and the children on
their cases it covers.

One transaction: who acts for whom, the policy checked (``domain.
health_insurance``), each child checked to be on one of the party's cases
(and, for a caseworker, on a case they reach: any other is ``NOT_FOUND``,
the answer a missing child gets), the party's row locked (a retried report
finds the policy it stored instead of storing it twice), the policy and its
coverages inserted, the party's cases touched, the audit record. The policy
number reads back only masked.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from auth.authorization.acting import Acting, acting_for_party
from auth.authorization.filters import staff_reaches
from db.changes import touch_cases_of_party
from db.contact import lock_party
from db.enums import AuditOutcome
from db.models import (
    Case,
    CaseChild,
    CaseParticipant,
    InsuranceCoverage,
    InsurancePolicy,
)
from domain.card_numbers import refuse_card_numbers
from domain.field_errors import CONFLICT, NOT_FOUND, FieldError, Refused, not_found
from domain.health_insurance import PolicyDraft, draft_policy
from resolvers.mutation import (
    audited_party,
    named_pk,
    party_pk,
    principal_of,
    record_success,
    run,
)
from resolvers.party_records import contact_errors
from schema.context import Info
from schema.reports import ReportHealthInsuranceInput, ReportHealthInsurancePayload

ACTION = "report_health_insurance"
MUTATION = "reportHealthInsurance"
CHILDREN = "coveredChildren"


def _child_pks(values: Sequence[str]) -> list[int | None]:
    """Each ID's child, None where it is not a child's ID."""
    return [named_pk(value, "Child") for value in values]


async def _children_of(
    conn: AsyncConnection, acting: Acting, wanted: list[int]
) -> set[int]:
    """Those of ``wanted`` on a case of the party (that the acting caseworker
    reaches, when one acts)."""
    if not wanted:
        return set()
    cp = aliased(CaseParticipant)
    case = aliased(Case)
    query = (
        select(CaseChild.child_id)
        .join(cp, cp.case_id == CaseChild.case_id)
        .join(case, case.id == CaseChild.case_id)
        .where(cp.party_id == acting.party_id, CaseChild.child_id.in_(wanted))
    )
    if acting.staff_id is not None:
        query = query.where(staff_reaches(acting.staff_id, case))
    return set((await conn.scalars(query)).all())


async def _covered(
    conn: AsyncConnection, acting: Acting, values: Sequence[str]
) -> list[int]:
    """The children named, in order, without repeats; ``Refused`` naming
    each one that is not the party's."""
    pks = _child_pks(values)
    found = await _children_of(conn, acting, [pk for pk in pks if pk is not None])
    errors = [
        FieldError(NOT_FOUND, f"{CHILDREN}.{n}", not_found().errors[0].message)
        for n, pk in enumerate(pks)
        if pk not in found
    ]
    if errors:
        raise Refused(*errors, outcome=AuditOutcome.DENIED)
    return list(dict.fromkeys(pk for pk in pks if pk is not None))


async def _on_file(
    conn: AsyncConnection, party_id: int, draft: PolicyDraft, children: list[int]
) -> int | None:
    """A policy of the party with this number and coverage already on file:
    its id when it is this very report (a retry), else ``CONFLICT``."""
    p = InsurancePolicy
    rows = (
        await conn.execute(
            select(
                p.id,
                p.carrier,
                p.group_number,
                p.start_date,
                func.array(
                    select(InsuranceCoverage.child_id)
                    .where(InsuranceCoverage.policy_id == p.id)
                    .scalar_subquery()
                ).label("children"),
            ).where(
                p.holder_party_id == party_id,
                p.policy_number == draft.policy_number,
                p.coverage_type == draft.coverage_type,
            )
        )
    ).all()
    for row in rows:
        if (row.carrier, row.group_number, row.start_date) == (
            draft.carrier,
            draft.group_number,
            draft.start_date,
        ) and set(row.children) == set(children):
            return int(row.id)
    if rows:
        raise Refused(
            FieldError(
                CONFLICT,
                "policyNumber",
                "A policy with this number and coverage is already on file: "
                "ask your caseworker to correct it.",
            )
        )
    return None


async def _store(
    conn: AsyncConnection, party_id: int, draft: PolicyDraft, children: list[int]
) -> int:
    policy_id = await conn.scalar(
        insert(InsurancePolicy)
        .values(
            holder_party_id=party_id,
            carrier=draft.carrier,
            policy_number=draft.policy_number,
            group_number=draft.group_number,
            coverage_type=draft.coverage_type,
            start_date=draft.start_date,
            reported_at=func.now(),
        )
        .returning(InsurancePolicy.id)
    )
    assert policy_id is not None
    if children:
        await conn.execute(
            insert(InsuranceCoverage),
            [{"policy_id": policy_id, "child_id": child} for child in children],
        )
    await touch_cases_of_party(conn, party_id)
    return int(policy_id)


async def report_health_insurance(
    info: Info, data: ReportHealthInsuranceInput
) -> ReportHealthInsurancePayload:
    principal = principal_of(info)

    async def change(conn: AsyncConnection) -> int:
        acting = await acting_for_party(
            conn, principal, MUTATION, party_pk(data.party_id)
        )
        refuse_card_numbers(data)
        draft = draft_policy(
            carrier=data.carrier,
            policy_number=data.policy_number,
            group_number=data.group_number,
            coverage_type=data.coverage_type.value,
            start_date=data.start_date,
            children=len(data.covered_children),
            today=info.context.as_of,
        )
        children = await _covered(conn, acting, data.covered_children)
        await lock_party(conn, acting.party_id)
        policy_id = await _on_file(conn, acting.party_id, draft, children)
        new = policy_id is None
        if policy_id is None:
            policy_id = await _store(conn, acting.party_id, draft, children)
        record_success(
            info,
            ACTION,
            acting,
            object_type="InsurancePolicy",
            object_id=policy_id,
            fields=("healthInsurance",),
            detail=None if new else {"already_reported": True},
        )
        return policy_id

    result = await run(
        info,
        ACTION,
        change,
        object_type="Party",
        object_id=audited_party(principal, data.party_id),
    )
    if isinstance(result, list):
        return ReportHealthInsurancePayload(
            insurance_policy=None, errors=contact_errors(result)
        )
    policy = await info.context.loaders.policy_by_id.load(result)
    # a row, served as InsurancePolicy (its fields are the row's columns)
    return ReportHealthInsurancePayload(
        insurance_policy=policy,  # type: ignore[arg-type]
        errors=[],
    )
