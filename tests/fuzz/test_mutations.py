"""Generated mutations from parent A (payments go to the sandbox processor):
every response as for queries, and afterwards nothing half-written and
nothing of family B's changed."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fuzz.checks import ACCEPTS, Outcomes, Sent, check
from tests.fuzz.conftest import Seeded
from tests.fuzz.overrides import RATES
from tests.fuzz.payment_invariants import payment_problems
from tests.fuzz.strategies import mutation_documents, payment_documents
from tests.fuzz.world import B_SECRETS, World, b_snapshot, tokens
from tests.support.issuer import TestIssuer
from tests.support.threaded_api import threaded_api

EXAMPLES = 40


async def _b_rows(engine: AsyncEngine, world: World) -> dict[str, Any]:
    async with engine.connect() as conn:
        return await b_snapshot(conn, world)


async def _payments(engine: AsyncEngine) -> tuple[int, list[str]]:
    async with engine.connect() as conn:
        return await payment_problems(conn)


def test_generated_mutations_as_a_parent(seeded: Seeded, issuer: TestIssuer) -> None:
    world = seeded.world
    token = tokens(issuer)["parent"]
    documents = st.one_of(mutation_documents(world), payment_documents(world))
    hidden = tuple(world.b.global_ids())
    outcomes = Outcomes()

    with threaded_api(seeded.engine, issuer.url, **RATES) as api:
        before = api.run(_b_rows(api.engine, world))

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(
            document=documents,
            accept=st.sampled_from(ACCEPTS),
            get=st.sampled_from((False, False, False, True)),
        )
        def change(document: str, accept: str | None, get: bool) -> None:
            body = {"query": document}
            if get:
                response = api.get(body, token, accept=accept)
            else:
                response = api.post(body, token, accept=accept)
            sent = Sent("GET" if get else "POST", body, accept)
            answer = check(sent, response, secrets=B_SECRETS, hidden_ids=hidden)
            # a mutation sent with GET never runs (405, or invalid anyway)
            assert not (get and "data" in answer), response.text
            outcomes.add(answer)

        change()
        after = api.run(_b_rows(api.engine, world))
        payments, problems = api.run(_payments(api.engine))

    print(f"parent, mutations: {outcomes}; {payments} payments made")
    assert outcomes.counts["executed"] > 0, str(outcomes)
    assert after == before
    assert problems == []
