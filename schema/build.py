"""Schema assembly: types, extensions, validation rules."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, specified_rules
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionContext

from schema.case import Case
from schema.child import Child
from schema.extensions import PreparedDocument
from schema.mutation import Mutation
from schema.party import Party
from schema.payment import Payment
from schema.permissions import guard_fields
from schema.query import Query


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


def build_schema() -> GatewaySchema:
    """The gateway's schema. Documents reach it parsed, checked against the
    caller's limits and validated (``documents.prepare``, with
    ``validation_rules``); it executes them."""
    extensions: list[Any] = [PreparedDocument]
    guard_fields([Party, Child, Case, Payment])
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )


def validation_rules(*, introspection: bool) -> tuple[type[ASTValidationRule], ...]:
    """The rules documents are validated with (Strawberry's own included);
    ``introspection=False`` refuses introspection."""
    rules: tuple[type[ASTValidationRule], ...] = (
        *specified_rules,
        MaybeNullValidationRule,
        OneOfInputValidationRule,
    )
    if not introspection:
        rules = (*rules, NoSchemaIntrospectionCustomRule)
    return rules
