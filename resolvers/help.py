"""Help content, served from the process's copy (``loaders.help_content``)."""

from __future__ import annotations

from schema.context import Info
from schema.help import FaqEntry as FaqEntryType
from schema.help import GlossaryTerm as GlossaryTermType


async def glossary(info: Info) -> list[GlossaryTermType]:
    """Every glossary term, alphabetically."""
    content = await info.context.help.get()
    return [
        GlossaryTermType(term=t.term, definition=t.definition) for t in content.glossary
    ]


async def faq(info: Info) -> list[FaqEntryType]:
    """The FAQ in the order the agency set."""
    content = await info.context.help.get()
    return [
        FaqEntryType(category=q.category, question=q.question, answer=q.answer)
        for q in content.faq
    ]
