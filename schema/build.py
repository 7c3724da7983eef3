"""Schema assembly: types, extensions, caches."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.case import Case
from schema.child import Child
from schema.extensions import AuthenticationGate
from schema.mutation import Mutation
from schema.party import Party
from schema.payment import Payment
from schema.permissions import guard_fields
from schema.query import Query

#: Parsed and validated documents kept per process (bounded LRU caches).
CACHE_SIZE = 1024


class GatewaySchema(strawberry.Schema):
    """Strawberry's schema without its own error log: a validation message may
    quote a variable's value as sent (a card number typed where a token goes,
    SSN digits); ``schema.extensions.shape_error`` logs unexpected errors."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        return None


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The gateway's schema; ``introspection=False`` refuses introspection."""
    extensions: list[Any] = [
        # factories: a fresh extension per request over module-level LRU caches
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        AuthenticationGate,
    ]
    guard_fields([Party, Child, Case, Payment])
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )
