"""The root Query type."""

from __future__ import annotations

import strawberry

from resolvers import case as case_resolvers
from resolvers import help as help_resolvers
from resolvers import node as node_resolvers
from resolvers import viewer as viewer_resolvers
from schema.case import Case
from schema.context import Info
from schema.help import FaqEntry, GlossaryTerm
from schema.node import Node
from schema.party import Viewer

#: Root fields anyone may ask for, without a token.
PUBLIC_FIELDS = frozenset({"glossary", "faq", "__typename", "__schema", "__type"})


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

    @strawberry.field(description="The logged-in parent.")
    async def viewer(self, info: Info) -> Viewer | None:
        return await viewer_resolvers.viewer(info)  # type: ignore[no-any-return]

    @strawberry.field(description="One of your cases, by its 10-digit number.")
    async def case(self, info: Info, number: str) -> Case | None:
        return await case_resolvers.by_number(info, number)  # type: ignore[no-any-return]

    @strawberry.field(description="Any object by its global ID.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await node_resolvers.node(info, id)  # type: ignore[no-any-return]
