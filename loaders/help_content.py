"""The public Help content (glossary and FAQ), kept in memory.

It changes only when the agency edits it, and anyone may ask for it without a
token, so it is read from PostgreSQL at most once per ``max_age`` per process
(concurrent requests share one read) and served from memory: a document with
thousands of aliases of ``glossary`` costs no statement and no connection.
This is a read cache of the database, not state of its own: every process
reads the same rows, and an edit shows within ``max_age``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import FaqEntry, GlossaryTerm


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    definition: str


@dataclass(frozen=True, slots=True)
class Question:
    category: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Help:
    """The content as read at one moment."""

    glossary: tuple[Term, ...]
    faq: tuple[Question, ...]


_GLOSSARY = select(GlossaryTerm.term, GlossaryTerm.definition).order_by(
    GlossaryTerm.term
)
_FAQ = select(FaqEntry.category, FaqEntry.question, FaqEntry.answer).order_by(
    FaqEntry.position
)


class HelpContent:
    """The Help content of one process, refreshed after ``max_age`` seconds."""

    def __init__(self, engine: AsyncEngine, max_age: float = 300.0) -> None:
        self._engine = engine
        self._max_age = max_age
        self._content: Help | None = None
        self._read_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> Help:
        """The content, read from the database only when missing or stale."""
        if self._content is not None and not self._stale():
            return self._content
        async with self._lock:
            # another request may have read it while this one waited
            if self._content is None or self._stale():
                self._content = await self._read()
                self._read_at = time.monotonic()
            return self._content

    def _stale(self) -> bool:
        return time.monotonic() - self._read_at >= self._max_age

    async def _read(self) -> Help:
        async with self._engine.connect() as conn:
            terms = (await conn.execute(_GLOSSARY)).all()
            questions = (await conn.execute(_FAQ)).all()
        return Help(
            glossary=tuple(Term(r.term, r.definition) for r in terms),
            faq=tuple(Question(r.category, r.question, r.answer) for r in questions),
        )
