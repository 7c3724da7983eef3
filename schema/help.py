"""The portal's Help pages: glossary and FAQ, public."""

from __future__ import annotations

import strawberry


@strawberry.type(description="A child-support term and what it means.")
class GlossaryTerm:
    term: str
    definition: str


@strawberry.type(description="A frequently asked question and its answer.")
class FaqEntry:
    category: str
    question: str
    answer: str
