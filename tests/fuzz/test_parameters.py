"""Generated request parameters around a few real operations: any JSON as
``variables``, ``operationName`` and ``extensions`` (persisted-query hashes
among them), from each kind of caller: the same guarantees as for generated
documents, and a variable that does not coerce is a request error (400
without ``data`` for ``application/graphql-response+json``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.persisted import sha256_of
from tests.fuzz.checks import ACCEPTS, NEW, Outcomes, Sent, check
from tests.fuzz.conftest import Seeded
from tests.fuzz.overrides import RATES
from tests.fuzz.world import B_SECRETS, World, tokens
from tests.support.issuer import TestIssuer
from tests.support.threaded_api import threaded_api

OPERATIONS = (
    "query Case($n: String!) { case(number: $n) { caseNumber status } }",
    "query Node($id: ID!) { node(id: $id) { id ... on Party { firstName } } }",
    "query Cases($first: Int, $after: String, $filter: CaseFilter) {"
    " cases(first: $first, after: $after, filter: $filter) {"
    " nodes { caseNumber } pageInfo { endCursor } } }",
    "query Help { glossary { term } } query Faq { faq { question } }",
)
EXAMPLES = 15

_json: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _usually(
    common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """``rare`` one time in four (shrinking towards ``common``)."""
    return st.sampled_from((False, False, False, True)).flatmap(
        lambda odd: rare if odd else common
    )


def _variables(world: World) -> st.SearchStrategy[Any]:
    values = st.sampled_from(
        (world.a.case_number, world.b.case_number, *world.b.global_ids())
    )
    named = st.fixed_dictionaries(
        {"n": _usually(values, _json), "id": _usually(values, _json)},
        optional={"first": st.integers() | _json, "after": _json, "filter": _json},
    )
    return _usually(named, _json)


def _extensions() -> st.SearchStrategy[Any]:
    digests = st.sampled_from(OPERATIONS).map(sha256_of) | st.text(max_size=64)
    persisted = st.fixed_dictionaries(
        {"version": st.sampled_from((1, 2)) | _json, "sha256Hash": digests}
    )
    return _usually(
        st.none(), _json | st.fixed_dictionaries({"persistedQuery": persisted})
    )


@pytest.mark.parametrize("caller", ["anonymous", "parent", "caseworker", "partner"])
def test_generated_parameters(seeded: Seeded, issuer: TestIssuer, caller: str) -> None:
    world = seeded.world
    token = tokens(issuer)[caller]
    hidden = tuple(world.b.global_ids())
    outcomes = Outcomes()

    with threaded_api(seeded.engine, issuer.url, **RATES) as api:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(
            query=_usually(st.sampled_from(OPERATIONS), st.none() | _json),
            variables=_variables(world),
            name=_usually(
                st.none() | st.sampled_from(("Case", "Node", "Cases", "Help", "Faq")),
                _json,
            ),
            extensions=_extensions(),
            accept=st.sampled_from(ACCEPTS),
        )
        def ask(
            query: Any,
            variables: Any,
            name: Any,
            extensions: Any,
            accept: str | None,
        ) -> None:
            body = {
                "query": query,
                "variables": variables,
                "operationName": name,
                "extensions": extensions,
            }
            response = api.post(body, token, accept=accept)
            answer = check(
                Sent("POST", body, accept),
                response,
                secrets=B_SECRETS,
                hidden_ids=hidden,
            )
            codes = {e["extensions"]["code"] for e in answer.get("errors", [])}
            if "BAD_USER_INPUT" in codes and "data" not in answer:
                assert response.status_code == (400 if accept == NEW else 200)
            outcomes.add(answer)

        ask()

    print(f"{caller}, parameters: {outcomes}")
