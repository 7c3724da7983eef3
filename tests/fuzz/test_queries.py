"""Generated queries against the real schema, from each kind of caller, with
the default limits and with limits raised so that most of them execute:
never a server error, never an internal detail, always a response shaped as
GraphQL over HTTP says, and never family B's data (nobody here may see it)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.checks import ACCEPTS, Outcomes, Sent, check
from tests.fuzz.conftest import Seeded
from tests.fuzz.overrides import RAISED, RATES
from tests.fuzz.strategies import query_documents
from tests.fuzz.world import B_SECRETS, tokens
from tests.support.issuer import TestIssuer
from tests.support.threaded_api import threaded_api

CALLERS = ("anonymous", "parent", "caseworker", "partner")
#: What an anonymous caller may read; the raised run asks for these only.
PUBLIC = ("glossary", "faq")
EXAMPLES = 20
#: With the limits raised, a document is refused only when it is invalid.
INVALID = {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"}


@pytest.mark.parametrize("limits", ["default", "raised"])
@pytest.mark.parametrize("caller", CALLERS)
def test_generated_queries(
    seeded: Seeded, issuer: TestIssuer, caller: str, limits: str
) -> None:
    world = seeded.world
    token = tokens(issuer)[caller]
    public_only = caller == "anonymous" and limits == "raised"
    documents = (
        query_documents(world, fields=PUBLIC, invalid=False)
        if public_only
        else query_documents(world)
    )
    hidden = tuple(world.b.global_ids())
    outcomes = Outcomes()
    overrides: dict[str, Any] = RATES | (RAISED if limits == "raised" else {})

    with threaded_api(seeded.engine, issuer.url, **overrides) as api:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(
            document=documents,
            accept=st.sampled_from(ACCEPTS),
            get=st.booleans(),
        )
        def ask(document: str, accept: str | None, get: bool) -> None:
            body = {"query": document}
            if get:
                response = api.get(body, token, accept=accept)
            else:
                response = api.post(body, token, accept=accept)
            sent = Sent("GET" if get else "POST", body, accept)
            answer = check(sent, response, secrets=B_SECRETS, hidden_ids=hidden)
            outcomes.add(answer)

        ask()

    print(f"{caller}, {limits} limits: {outcomes}")
    assert outcomes.counts["executed"] > 0, str(outcomes)
    if limits == "raised":
        assert outcomes.refused_for <= INVALID, str(outcomes)
