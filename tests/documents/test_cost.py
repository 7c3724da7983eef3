"""The cost estimate: pages multiply by their size, aliases add up, every
unpaginated list has a declared size, and the kinds' budgets admit the deep
graphs real callers send while refusing what would fetch millions of rows."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLType,
)

from documents.cache import DocumentCache
from documents.limits import AgencyLimits, AnonymousLimits, Limits
from documents.prepare import Planner, Prepared, RequestError
from schema.build import build_schema, validation_rules
from schema.list_sizes import LIST_SIZES
from tests.api.test_partner import PARTNER_GRAPH

SCHEMA = build_schema()._schema


def _planner() -> Planner:
    return Planner(
        schema=SCHEMA,
        rules=validation_rules(introspection=False),
        cache=DocumentCache(100, 1_000_000),
        max_page_size=100,
        list_sizes=LIST_SIZES,
        list_estimate=10,
    )


def _prepare(query: str, limits: Limits, **variables: object) -> Prepared:
    planner = _planner()
    document, operation = planner.operation(query, None, limits)
    return planner.admit(document, operation, variables, limits)


def _cost(query: str, **variables: object) -> int:
    return _prepare(query, Limits(max_cost=10**9), **variables).cost


def _is_list(type_: GraphQLType) -> bool:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            return True
        type_ = type_.of_type
    return False


def test_every_unpaginated_list_field_has_a_declared_size() -> None:
    missing = [
        f"{name}.{field_name}"
        for name, type_ in SCHEMA.type_map.items()
        if not name.startswith("__")
        and isinstance(type_, GraphQLObjectType | GraphQLInterfaceType)
        and not name.endswith("Connection")
        for field_name, field in type_.fields.items()
        if _is_list(field.type)
        and "first" not in field.args
        and field_name != "errors"
        and (name, field_name) not in LIST_SIZES
    ]
    assert missing == []


PAGE = 'query($f: Int) { case(number: "1") { orders { payments(first: $f) { nodes { amount } } } } }'  # noqa: E501


def test_a_page_multiplies_by_first_or_the_maximum_page_size() -> None:
    orders = LIST_SIZES[("Case", "orders")]
    # case, orders, then per order: payments, and per payment: nodes, amount
    assert _cost(PAGE, f=10) == 1 + 1 + orders * (1 + 10 * (1 + 1))
    assert _cost(PAGE, f=None) == _cost(PAGE, f=100)
    # a size past the maximum is refused at execution; it costs the maximum
    assert _cost(PAGE, f=5000) == _cost(PAGE, f=100)


def test_aliases_with_other_arguments_each_cost_their_page() -> None:
    one = _cost(
        '{ case(number: "1") { orders { '
        'p0: payments(first: 50, from: "2020-01-01") { nodes { amount } } } } }'
    )
    three = _cost(
        '{ case(number: "1") { orders { '
        + " ".join(
            f'p{n}: payments(first: 50, from: "2020-01-0{n + 1}") '
            "{ nodes { amount } }"
            for n in range(3)
        )
        + " } } }"
    )
    # beyond the case and its orders, three pages cost three times one
    assert three - 2 == 3 * (one - 2)


def test_fragments_cost_what_they_select_wherever_spread() -> None:
    inline = _cost(
        '{ a: case(number: "1") { orders { orderNumber } } '
        'b: case(number: "2") { orders { orderNumber } } }'
    )
    spread = _cost(
        'query { a: case(number: "1") { ...F } b: case(number: "2") { ...F } } '
        "fragment F on Case { orders { orderNumber } }"
    )
    assert inline == spread == 2 * (1 + 1 + LIST_SIZES[("Case", "orders")] * 1)


def test_the_partner_graph_passes_and_a_caseload_dump_does_not() -> None:
    assert _prepare(PARTNER_GRAPH, AgencyLimits(), n="1").cost < AgencyLimits().max_cost
    dump = """{ cases(first: 100) { nodes { caseNumber
      participants { party { firstName lastName } }
      orders { payments(first: 100) { nodes { amount
        allocations { bucket amount } disbursements { amount } } } } } } }"""
    with pytest.raises(RequestError) as refused:
        _prepare(dump, AgencyLimits())
    assert refused.value.code == "LIMIT_EXCEEDED"
    assert refused.value.extensions["limit"] == "max_cost"
    assert refused.value.extensions["cost"] > 2 * AgencyLimits().max_cost


def test_anonymous_callers_may_ask_for_help_only_in_small_amounts() -> None:
    assert (
        _prepare(
            "{ glossary { term definition } faq { question answer } }",
            AnonymousLimits(),
        ).cost
        <= 300
    )
    with pytest.raises(RequestError) as refused:
        _prepare(
            "{ a: glossary { term definition } b: glossary { term definition } "
            "c: faq { question answer } }",
            AnonymousLimits(),
        )
    assert refused.value.extensions["limit"] == "max_cost"
