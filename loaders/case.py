"""Cases, the people on them, and which cases a party is on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import any_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable

from auth.authorization.filters import case_visible
from auth.principal import NOBODY, Principal
from db.enums import CaseStatus
from db.models import Agency, Case, CaseParticipant, Party, Staff
from loaders.base import ID_KEYS, TEXT_KEYS, OneByKey, VisibleOneByKey, read
from loaders.ids import global_id
from loaders.paging import Page, PagedLoader, first_of_each

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
    Case.updated_at,
)


class CaseByIdLoader(VisibleOneByKey[int]):
    """A case the principal may reach, by id (else None)."""

    def build(self, principal: Principal) -> Executable:
        return select(*CASE_COLUMNS).where(
            Case.id == any_(ID_KEYS), case_visible(principal, Case.id)
        )


class CaseByNumberLoader(VisibleOneByKey[str]):
    """A case the principal may reach, by its number (else None)."""

    key_field = "case_number"

    def build(self, principal: Principal) -> Executable:
        return select(*CASE_COLUMNS).where(
            Case.case_number == any_(TEXT_KEYS), case_visible(principal, Case.id)
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
        return first_of_each(inner)


@dataclass(frozen=True, slots=True)
class CaseFilterArgs:
    """A page of the cases a principal may reach, by case number, filtered."""

    first: int
    after: str | None = None
    status: CaseStatus | None = None
    county: str | None = None
    case_number: str | None = None
    participant_name: str | None = None
    updated_since: datetime | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class VisibleCasesLoader(DataLoader[CaseFilterArgs, Page[CaseFilterArgs]]):
    """Pages of ``cases(first:, after:, filter:)``: one statement per page,
    the visibility rule in its WHERE clause."""

    def __init__(self, engine: AsyncEngine, principal: Principal | None) -> None:
        super().__init__()
        self.engine = engine
        self.principal = principal or NOBODY

    def build(self, args: CaseFilterArgs) -> Any:
        query = select(*CASE_COLUMNS).where(case_visible(self.principal, Case.id))
        if args.after is not None:
            query = query.where(Case.case_number > args.after)
        if args.status is not None:
            query = query.where(Case.status == args.status)
        if args.case_number is not None:
            query = query.where(Case.case_number == args.case_number)
        if args.updated_since is not None:
            query = query.where(Case.updated_at >= args.updated_since)
        if args.county is not None:
            office = select(Agency.id).where(
                func.lower(Agency.county) == args.county.lower()
            )
            query = query.where(Case.office_id.in_(office))
        if args.participant_name is not None:
            cp = aliased(CaseParticipant)
            person = aliased(Party)
            full = person.first_name + " " + person.last_name
            query = query.where(
                exists().where(
                    cp.case_id == Case.id,
                    person.id == cp.party_id,
                    full.ilike(_like(args.participant_name), escape="\\"),
                )
            )
        return query.order_by(Case.case_number).limit(args.first + 1)

    async def batch_load_fn(
        self, keys: Sequence[CaseFilterArgs]
    ) -> list[Page[CaseFilterArgs]]:
        pages: list[Page[CaseFilterArgs]] = []
        bound = {"principal_id": self.principal.id}
        for args in keys:
            rows = await read(self.engine, self.build(args), bound)
            pages.append(Page(rows[: args.first], len(rows) > args.first))
        return pages
