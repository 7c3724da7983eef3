"""The root Query type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.enums import CaseStatus
from resolvers import case as case_resolvers
from resolvers import cases as cases_resolvers
from resolvers import help as help_resolvers
from resolvers import node as node_resolvers
from resolvers import viewer as viewer_resolvers
from schema.case import Case, CaseConnection
from schema.context import Info
from schema.help import FaqEntry, GlossaryTerm
from schema.node import Node
from schema.party import Viewer

#: Root fields anyone may ask for, without a token.
PUBLIC_FIELDS = frozenset({"glossary", "faq", "__typename", "__schema", "__type"})


@strawberry.input(description="Narrows a page of cases; every field is optional.")
class CaseFilter:
    status: CaseStatus | None = None
    county: str | None = strawberry.field(
        default=None,
        description="The county of the office running the case (exact name).",
    )
    case_number: str | None = None
    participant_name: str | None = strawberry.field(
        default=None, description="Part of a participant's first and last name."
    )
    updated_since: datetime | None = strawberry.field(
        default=None, description="Cases changed at or after this time."
    )


@strawberry.type
class Query:
    glossary: list[GlossaryTerm] = strawberry.field(
        resolver=help_resolvers.glossary,
        description="Glossary of child-support terms (public).",
    )
    faq: list[FaqEntry] = strawberry.field(
        resolver=help_resolvers.faq,
        description="Frequently asked questions (public).",
    )

    @strawberry.field(description="The logged-in parent (null for other callers).")
    async def viewer(self, info: Info) -> Viewer | None:
        return await viewer_resolvers.viewer(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description=(
            "The cases you may reach, by case number: a parent's own, a "
            "caseworker's office's and assigned ones, a partner's shared ones."
        )
    )
    async def cases(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CaseFilter | None = None,
    ) -> CaseConnection:
        given = filter or CaseFilter()
        return await cases_resolvers.cases(  # type: ignore[return-value]
            info,
            first,
            after,
            status=given.status,
            county=given.county,
            case_number=given.case_number,
            participant_name=given.participant_name,
            updated_since=given.updated_since,
        )

    @strawberry.field(description="A case you may reach, by its 10-digit number.")
    async def case(self, info: Info, number: str) -> Case | None:
        return await case_resolvers.by_number(info, number)  # type: ignore[no-any-return]

    @strawberry.field(description="Any object by its global ID.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await node_resolvers.node(info, id)  # type: ignore[no-any-return]
