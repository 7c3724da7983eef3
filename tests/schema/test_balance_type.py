"""The GraphQL ``Balance`` and ``NextPayment`` types say what ``domain/`` derives.

``schema/order.py`` declares them apart from the domain dataclasses (the schema
types carry descriptions); a field added to one side must appear on the other.
"""

from __future__ import annotations

import dataclasses

import pytest
from graphql import GraphQLObjectType
from graphql import build_schema as parse_schema
from strawberry.utils.str_converters import to_camel_case

from domain.balance import Balance
from domain.schedule import NextPayment
from schema.build import build_schema

PAIRS = [(Balance, "Balance"), (NextPayment, "NextPayment")]


@pytest.mark.parametrize(("domain_type", "type_name"), PAIRS)
def test_the_graphql_type_has_exactly_the_domain_fields(
    domain_type: type, type_name: str
) -> None:
    # given the schema as clients see it
    served = parse_schema(build_schema().as_str()).get_type(type_name)
    assert isinstance(served, GraphQLObjectType)
    # when the domain dataclass's fields are named the way the schema names them
    derived = {to_camel_case(f.name) for f in dataclasses.fields(domain_type)}
    # then both sides hold the same fields
    exposed = set(served.fields)
    assert derived - exposed == set(), f"missing on the GraphQL {type_name}"
    assert exposed - derived == set(), f"not on {domain_type.__module__}.{type_name}"
