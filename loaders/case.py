"""Cases, the people on them, and which cases a party is on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import any_, func, select

from db.enums import CaseStatus
from db.models import Agency, Case, CaseParticipant, Party, Staff
from loaders.base import ID_KEYS, TEXT_KEYS, ManyByKey, OneByKey
from loaders.ids import global_id
from loaders.paging import LIMIT, PagedLoader

CASE_COLUMNS = (
    Case.id.label("pk"),
    global_id("Case", Case.id).label("id"),
    Case.case_number,
    Case.status,
    Case.case_type,
    Case.assistance_status,
    Case.office_id,
    Case.caseworker_id,
    Case.opened_on,
    Case.closed_on,
)


class CaseByIdLoader(OneByKey[int]):
    statement = select(*CASE_COLUMNS).where(Case.id == any_(ID_KEYS))


class CaseByNumberLoader(OneByKey[str]):
    key_field = "case_number"
    statement = select(*CASE_COLUMNS).where(Case.case_number == any_(TEXT_KEYS))


class RolesByPartyIdLoader(ManyByKey[int]):
    """(case id, role) of every case a party is on: the basis of what they see."""

    key_field = "party_id"
    statement = (
        select(CaseParticipant.party_id, CaseParticipant.case_id, CaseParticipant.role)
        .where(CaseParticipant.party_id == any_(ID_KEYS))
        .order_by(CaseParticipant.case_id)
    )


class ParticipantsByCaseIdLoader(ManyByKey[int]):
    """Who is on each case and in which role: names only, nothing personal."""

    key_field = "case_id"
    statement = (
        select(
            CaseParticipant.case_id,
            CaseParticipant.role,
            Party.id.label("pk"),
            global_id("Party", Party.id).label("id"),
            Party.first_name,
            Party.middle_name,
            Party.last_name,
        )
        .join(Party, Party.id == CaseParticipant.party_id)
        .where(CaseParticipant.case_id == any_(ID_KEYS))
        .order_by(CaseParticipant.case_id, CaseParticipant.role, Party.id)
    )


class OfficeByIdLoader(OneByKey[int]):
    statement = select(
        Agency.id.label("pk"),
        Agency.code,
        Agency.name,
        Agency.kind,
        Agency.state,
        Agency.county,
        Agency.address_line1,
        Agency.city,
        Agency.postal_code,
        Agency.phone,
        Agency.email,
        Agency.office_hours,
    ).where(Agency.id == any_(ID_KEYS))


class StaffByIdLoader(OneByKey[int]):
    statement = select(
        Staff.id.label("pk"),
        Staff.agency_id,
        Staff.first_name,
        Staff.last_name,
        Staff.role,
        Staff.email,
        Staff.phone,
    ).where(Staff.id == any_(ID_KEYS))


@dataclass(frozen=True, slots=True)
class CasePageArgs:
    """Cases by case number; ``after`` is the previous page's last number."""

    first: int
    after: str | None = None
    open_only: bool = False


class CasesByPartyIdLoader(PagedLoader[CasePageArgs]):
    """A page of the cases a party is on, with their role on each."""

    def build(self, args: CasePageArgs) -> Any:
        rank = (
            func.row_number()
            .over(partition_by=CaseParticipant.party_id, order_by=Case.case_number)
            .label("rank")
        )
        inner = (
            select(
                CaseParticipant.party_id.label("parent_key"),
                CaseParticipant.role.label("viewer_role"),
                *CASE_COLUMNS,
                rank,
            )
            .join(Case, Case.id == CaseParticipant.case_id)
            .where(CaseParticipant.party_id == any_(ID_KEYS))
        )
        if args.after is not None:
            inner = inner.where(Case.case_number > args.after)
        if args.open_only:
            inner = inner.where(Case.status == CaseStatus.OPEN)
        page = inner.subquery()
        return (
            select(page)
            .where(page.c.rank <= LIMIT)
            .order_by(page.c.parent_key, page.c.rank)
        )
