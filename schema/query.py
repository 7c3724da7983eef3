"""The root Query type."""

from __future__ import annotations

import strawberry

from resolvers import help as help_resolvers
from schema.help import FaqEntry, GlossaryTerm


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
