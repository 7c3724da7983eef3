"""Generated GraphQL documents against the real schema (``hypothesis-graphql``),
with argument values that matter here: both families' case numbers and node
IDs (so callers probe records that are not theirs), sandbox payment tokens,
and hostile text (NUL, quotes, huge numbers, NaN) besides random values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from loaders import ids
from schema.build import build_schema
from tests.fuzz.world import World

#: Text that has upset servers before.
HOSTILE = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "%s%s%s",
    "${jndi:ldap://x}",
    "\\",
    "\u202e",
    "🏃" * 50,
    "x" * 5000,
)
SANDBOX_TOKENS = (
    "tok_sandbox_approve",
    "tok_sandbox_declined",
    "tok_sandbox_insufficient_funds",
)
MALFORMED_IDS = (
    "",
    "Q2FzZTo",
    "Q2FzZTotMQ",
    "Q2FzZToxMDAwMDAwMDAwMDAwMDAwMDAwMDA",
    "!!",
)
WEIRD_DECIMALS = ("NaN", "Infinity", "-0", "-1", "0.001", "1e400", "9" * 40, "1,5")
WEIRD_DATES = ("2024-02-30", "0000-01-01", "9999-12-31", "today", "2024-1-1")


@cache
def schema() -> graphql.GraphQLSchema:
    """The gateway's schema, as the server has it."""
    return graphql.build_schema(build_schema().as_str())


def _strings(pool: Iterable[str]) -> st.SearchStrategy[graphql.ValueNode]:
    return st.one_of(st.sampled_from(tuple(pool)), st.text(max_size=40)).map(
        nodes.String
    )


def custom_scalars(
    world: World, extra_strings: Iterable[str] = ()
) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Values for the schema's scalars (its own and the built-in ``String``
    and ``ID``, overridden to aim at both families' records)."""
    id_pool = (*world.a.global_ids(), *world.b.global_ids(), *MALFORMED_IDS)
    return {
        "String": _strings(
            (world.a.case_number, world.b.case_number, *HOSTILE, *extra_strings)
        ),
        "ID": st.one_of(st.sampled_from(id_pool), st.text(max_size=20)).map(
            nodes.String
        ),
        "Date": st.one_of(
            st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat),
            st.sampled_from(WEIRD_DATES),
        ).map(nodes.String),
        "DateTime": st.one_of(
            st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
            st.sampled_from(WEIRD_DATES),
        ).map(nodes.String),
        "Decimal": st.one_of(
            st.decimals("0.01", "100000", places=2).map(str),
            st.sampled_from(WEIRD_DECIMALS),
        ).map(nodes.String),
    }


def query_documents(
    world: World, *, fields: Iterable[str] | None = None, invalid: bool = True
) -> st.SearchStrategy[str]:
    """Valid queries, and now and then one with a single schema violation
    (when ``fields`` have arguments to violate)."""
    scalars = custom_scalars(world)
    chosen = list(fields) if fields is not None else None
    valid = queries(schema(), fields=chosen, custom_scalars=scalars)
    if not invalid:
        return valid
    broken = queries(
        schema(), fields=chosen, custom_scalars=scalars, mode=Mode.NEGATIVE
    )
    return _mostly(valid, broken)


def mutation_documents(world: World) -> st.SearchStrategy[str]:
    """Valid mutations (payments can go through: sandbox tokens are in the
    string pool), and now and then an invalid one."""
    scalars = custom_scalars(world, SANDBOX_TOKENS)
    return _mostly(
        mutations(schema(), custom_scalars=scalars),
        mutations(schema(), custom_scalars=scalars, mode=Mode.NEGATIVE),
    )


def payment_documents(world: World) -> st.SearchStrategy[str]:
    """``makePayment`` aimed to go through now and then: A's order (or B's),
    sandbox tokens, a few idempotency keys (so that some repeat, with the same
    amount or another) and small amounts."""
    keys = ("key-0001-aaaa-bbbb", "key-0002-aaaa-bbbb", "key-0003-aaaa-bbbb")
    scalars = custom_scalars(world) | {
        "ID": st.sampled_from(
            (
                ids.encode("Order", world.a.order_id),
                ids.encode("Order", world.a.order_id),
                ids.encode("Order", world.b.order_id),
                ids.encode("Party", world.a.obligor_id),
                ids.encode("Party", world.b.obligor_id),
            )
        ).map(nodes.String),
        "String": st.sampled_from((*SANDBOX_TOKENS, *keys)).map(nodes.String),
        "Decimal": st.sampled_from(("0.01", "12.50", "400.00", "0", "NaN")).map(
            nodes.String
        ),
    }
    return mutations(schema(), fields=["makePayment"], custom_scalars=scalars)


def _mostly(
    valid: st.SearchStrategy[str], invalid: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """One document in four invalid (shrinking towards valid ones)."""
    return st.sampled_from((False, False, False, True)).flatmap(
        lambda bad: invalid if bad else valid
    )
