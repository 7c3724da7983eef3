"""Help content, read straight from its tables (public, small, no loader needed)."""

from __future__ import annotations

from sqlalchemy import select

from db.models import FaqEntry, GlossaryTerm
from schema.context import Info
from schema.help import FaqEntry as FaqEntryType
from schema.help import GlossaryTerm as GlossaryTermType

_GLOSSARY = select(GlossaryTerm.term, GlossaryTerm.definition).order_by(
    GlossaryTerm.term
)
_FAQ = select(FaqEntry.category, FaqEntry.question, FaqEntry.answer).order_by(
    FaqEntry.position
)


async def glossary(info: Info) -> list[GlossaryTermType]:
    """Every glossary term, alphabetically."""
    async with info.context.engine.connect() as conn:
        rows = await conn.execute(_GLOSSARY)
        return [GlossaryTermType(term=r.term, definition=r.definition) for r in rows]


async def faq(info: Info) -> list[FaqEntryType]:
    """The FAQ in the order the agency set."""
    async with info.context.engine.connect() as conn:
        rows = await conn.execute(_FAQ)
        return [
            FaqEntryType(category=r.category, question=r.question, answer=r.answer)
            for r in rows
        ]
