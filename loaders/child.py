"""Children on each case, and children covered by each insurance policy."""

from __future__ import annotations

from sqlalchemy import any_, func, select
from sqlalchemy.orm import aliased

from auth.authorization.filters import child_protected
from db.models import CaseChild, Child, InsuranceCoverage
from loaders.base import ID_KEYS, ManyByKey
from loaders.ids import global_id

_other = aliased(CaseChild)
_CASES_OF_CHILD = (
    select(_other.case_id).where(_other.child_id == Child.id).scalar_subquery()
)

#: Every child row carries the child's cases (the rules look at the caller's
#: access to each) and whether the child lives with a protected person.
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
    func.array(_CASES_OF_CHILD).label("case_ids"),
    child_protected(Child.id).label("protected"),
)


class ChildrenByCaseIdLoader(ManyByKey[int]):
    key_field = "case_id"
    statement = (
        select(CaseChild.case_id, *CHILD_COLUMNS)
        .join(Child, Child.id == CaseChild.child_id)
        .where(CaseChild.case_id == any_(ID_KEYS))
        .order_by(CaseChild.case_id, Child.date_of_birth, Child.id)
    )


class ChildrenByPolicyIdLoader(ManyByKey[int]):
    """Children a policy covers, with the cases each is on (for the rights)."""

    key_field = "policy_id"
    statement = (
        select(
            InsuranceCoverage.policy_id,
            *CHILD_COLUMNS,
        )
        .join(Child, Child.id == InsuranceCoverage.child_id)
        .where(InsuranceCoverage.policy_id == any_(ID_KEYS))
        .order_by(InsuranceCoverage.policy_id, Child.id)
    )
