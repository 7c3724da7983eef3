"""The public Help content is served from the process's copy: thousands of
aliases cost no statement and no connection, concurrent first requests read it
once, and an edit shows once the copy is older than its maximum age."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from documents.limits import AnonymousLimits
from tests.support import factories as f
from tests.support.api import running_api
from tests.support.issuer import TestIssuer

HELP = "{ glossary { term definition } faq { category question answer } }"
ALIASES = 2000


async def _content(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await f.add(conn, m.GlossaryTerm, term="Obligee", definition="Receives.")
        await f.add(conn, m.GlossaryTerm, term="Arrears", definition="Past due.")
        await f.add(
            conn,
            m.FaqEntry,
            position=1,
            category="Payments",
            question="How do I pay?",
            answer="Online.",
        )


async def test_help_is_served_in_order_and_read_once(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await _content(engine)
    async with running_api(engine, issuer.url) as api:
        first = await api.query(HELP)
        read = api.counter.count
        api.counter.reset()
        second = await api.query(HELP)

    assert (
        first
        == second
        == {
            "glossary": [
                {"term": "Arrears", "definition": "Past due."},
                {"term": "Obligee", "definition": "Receives."},
            ],
            "faq": [
                {
                    "category": "Payments",
                    "question": "How do I pay?",
                    "answer": "Online.",
                }
            ],
        }
    )
    # one statement per table the first time, none after
    assert read == 2
    assert api.counter.count == 0


async def test_thousands_of_aliases_cost_no_statement(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given limits raised far past the defaults (which refuse this document
    # before parsing: tests/api/test_limits.py)
    await _content(engine)
    document = (
        "{ " + " ".join(f"a{n}: glossary {{ term }}" for n in range(ALIASES)) + " }"
    )
    generous = AnonymousLimits(
        max_body_bytes=100_000,
        max_tokens=20_000,
        max_aliases=ALIASES,
        max_root_fields=ALIASES,
        max_cost=1_000_000,
    )
    async with running_api(engine, issuer.url, limits_anonymous=generous) as api:
        response = await api.post(document)

    assert response.status_code == 200
    data = response.json()["data"]
    assert len(data) == ALIASES
    assert data["a1999"] == [{"term": "Arrears"}, {"term": "Obligee"}]
    assert api.counter.count == 2


async def test_concurrent_first_requests_read_once(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await _content(engine)
    async with running_api(engine, issuer.url) as api:
        answers = await asyncio.gather(*(api.query(HELP) for _ in range(10)))

    assert len({repr(a) for a in answers}) == 1
    assert api.counter.count == 2


async def test_an_edit_shows_once_the_copy_is_old_enough(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    await _content(engine)
    async with (
        running_api(engine, issuer.url) as kept,
        running_api(engine, issuer.url, help_content_max_age_seconds=0) as fresh,
    ):
        await kept.query(HELP)
        await fresh.query(HELP)
        async with engine.begin() as conn:
            await f.add(conn, m.GlossaryTerm, term="Payee", definition="Gets paid.")
        kept_terms = (await kept.query("{ glossary { term } }"))["glossary"]
        fresh_terms = (await fresh.query("{ glossary { term } }"))["glossary"]

    assert {"term": "Payee"} not in kept_terms
    assert {"term": "Payee"} in fresh_terms
