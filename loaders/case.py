"""Cases, the people on them, and which cases a party is on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import any_, bindparam, exists, func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable

from auth.authorization.filters import case_visible, shape_of
from auth.principal import NOBODY, Principal
from db.enums import CaseStatus
from db.models import Agency, Case, CaseParticipant, Party, Staff
from loaders.access import AccessByCaseIdLoader, access_columns
from loaders.base import (
    ID_KEYS,
    TEXT_KEYS,
    OneByKey,
    Source,
    VisibleOneByKey,
    built_for,
    read,
)
from loaders.ids import global_id
from loaders.paging import LIMIT, Page, PagedLoader, Paging

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


K = TypeVar("K", int, str)


class _VisibleCase(VisibleOneByKey[K]):
    """A case the principal may reach, read with the principal's access to
    it, which primes ``access`` (the rules read it without a statement)."""

    access: AccessByCaseIdLoader | None = None

    def primed(self, access: AccessByCaseIdLoader) -> Self:
        self.access = access
        return self

    async def fetch(self, keys: Sequence[Any], **params: Any) -> Sequence[Row[Any]]:
        rows = await super().fetch(keys, **params)
        if self.access is not None:
            self.access.prime_from(rows)
        return rows


class CaseByIdLoader(_VisibleCase[int]):
    """A case the principal may reach, by id (else None)."""

    def build(self, principal: Principal) -> Executable:
        return select(*CASE_COLUMNS, *access_columns(principal)).where(
            Case.id == any_(ID_KEYS), case_visible(principal, Case.id)
        )


class CaseByNumberLoader(_VisibleCase[str]):
    """A case the principal may reach, by its number (else None)."""

    key_field = "case_number"

    def build(self, principal: Principal) -> Executable:
        return select(*CASE_COLUMNS, *access_columns(principal)).where(
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


_AFTER_NUMBER = bindparam("after", type_=Case.case_number.type)


class CasesByPartyIdLoader(PagedLoader[CasePageArgs]):
    """A page of the cases a party is on, with their role on each, and the
    principal's access to each (which primes ``access``)."""

    def __init__(
        self,
        engine: Source,
        principal: Principal | None,
        access: AccessByCaseIdLoader | None = None,
    ) -> None:
        self.principal = principal or NOBODY
        super().__init__(engine, principal_id=self.principal.id)
        self.access = access

    def shape(self, args: CasePageArgs) -> tuple[Any, ...]:
        return (args.after is not None, args.open_only, shape_of(self.principal))

    def received(self, rows: Sequence[Row[Any]]) -> None:
        if self.access is not None:
            self.access.prime_from(rows)

    def values(self, args: CasePageArgs) -> dict[str, Any]:
        return {"after": args.after}

    def paging(self, args: CasePageArgs) -> Paging:
        inner = select(
            CaseParticipant.role.label("viewer_role"),
            *CASE_COLUMNS,
            *access_columns(self.principal),
        ).join(Case, Case.id == CaseParticipant.case_id)
        if args.after is not None:
            inner = inner.where(Case.case_number > _AFTER_NUMBER)
        if args.open_only:
            inner = inner.where(Case.status == CaseStatus.OPEN)
        return Paging(inner, CaseParticipant.party_id, [("case_number", False)])


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

    def __init__(
        self,
        engine: Source,
        principal: Principal | None,
        access: AccessByCaseIdLoader | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.principal = principal or NOBODY
        self.access = access

    @staticmethod
    def shape(args: CaseFilterArgs) -> tuple[bool, ...]:
        """Which filters the statement has (their values are bound)."""
        return tuple(
            value is not None
            for value in (
                args.after,
                args.status,
                args.case_number,
                args.updated_since,
                args.county,
                args.participant_name,
            )
        )

    @staticmethod
    def values(args: CaseFilterArgs) -> dict[str, Any]:
        return {
            "after": args.after,
            "status": args.status,
            "case_number": args.case_number,
            "updated_since": args.updated_since,
            "county": args.county.lower() if args.county is not None else None,
            "name_like": (
                _like(args.participant_name)
                if args.participant_name is not None
                else None
            ),
            "limit": args.first + 1,
        }

    def build(self, args: CaseFilterArgs) -> Any:
        after, status, number, since, county, name = self.shape(args)
        query = select(*CASE_COLUMNS, *access_columns(self.principal)).where(
            case_visible(self.principal, Case.id)
        )
        if after:
            query = query.where(Case.case_number > _AFTER_NUMBER)
        if status:
            query = query.where(
                Case.status == bindparam("status", type_=Case.status.type)
            )
        if number:
            query = query.where(
                Case.case_number
                == bindparam("case_number", type_=Case.case_number.type)
            )
        if since:
            query = query.where(
                Case.updated_at
                >= bindparam("updated_since", type_=Case.updated_at.type)
            )
        if county:
            office = select(Agency.id).where(
                func.lower(Agency.county)
                == bindparam("county", type_=Agency.county.type)
            )
            query = query.where(Case.office_id.in_(office))
        if name:
            cp = aliased(CaseParticipant)
            person = aliased(Party)
            full = person.first_name + " " + person.last_name
            pattern = bindparam("name_like", type_=Party.first_name.type)
            query = query.where(
                exists().where(
                    cp.case_id == Case.id,
                    person.id == cp.party_id,
                    full.ilike(pattern, escape="\\"),
                )
            )
        return query.order_by(Case.case_number).limit(LIMIT)

    async def batch_load_fn(
        self, keys: Sequence[CaseFilterArgs]
    ) -> list[Page[CaseFilterArgs]]:
        pages: list[Page[CaseFilterArgs]] = []
        for args in keys:
            statement = built_for(
                (type(self), self.shape(args)),
                self.principal,
                lambda _, args=args: self.build(args),  # type: ignore[misc]
            )
            bound = {"principal_id": self.principal.id, **self.values(args)}
            rows = await read(self.engine, statement, bound)
            if self.access is not None:
                self.access.prime_from(rows)
            pages.append(Page(rows[: args.first], len(rows) > args.first))
        return pages
