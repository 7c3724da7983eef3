"""Children on each case, and children covered by each insurance policy."""

from __future__ import annotations

from sqlalchemy import any_, func, select

from db.models import CaseChild, Child, InsuranceCoverage
from loaders.base import ID_KEYS, ManyByKey
from loaders.ids import global_id

CHILD_COLUMNS = (
    Child.id.label("pk"),
    global_id("Child", Child.id).label("id"),
    Child.first_name,
    Child.last_name,
    Child.date_of_birth,
    Child.expected_emancipation_date,
    Child.address_line1,
    Child.city,
    Child.state,
    Child.postal_code,
)


class ChildrenByCaseIdLoader(ManyByKey[int]):
    key_field = "case_id"
    statement = (
        select(CaseChild.case_id, *CHILD_COLUMNS)
        .join(Child, Child.id == CaseChild.child_id)
        .where(CaseChild.case_id == any_(ID_KEYS))
        .order_by(CaseChild.case_id, Child.date_of_birth, Child.id)
    )


_CASES_OF_CHILD = (
    select(CaseChild.case_id).where(CaseChild.child_id == Child.id).scalar_subquery()
)


class ChildrenByPolicyIdLoader(ManyByKey[int]):
    """Children a policy covers, with the cases each is on (for the rights)."""

    key_field = "policy_id"
    statement = (
        select(
            InsuranceCoverage.policy_id,
            *CHILD_COLUMNS,
            func.array(_CASES_OF_CHILD).label("case_ids"),
        )
        .join(Child, Child.id == InsuranceCoverage.child_id)
        .where(InsuranceCoverage.policy_id == any_(ID_KEYS))
        .order_by(InsuranceCoverage.policy_id, Child.id)
    )
