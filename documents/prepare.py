"""From query text to an operation ready to execute, refusing as early and as
cheaply as possible: lexer limits, parse, document limits, validation,
operation selection, variable coercion, then cost. Nothing here touches the
database; everything is bounded by the caller's limits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values

from documents.cache import DocumentCache, Entry
from documents.cost import operation_cost
from documents.lexing import LexicalRefusal, scan
from documents.limits import Limits
from documents.measure import first_exceeded, measure

#: Brackets allowed beyond the field depth (arguments, input objects, lists).
NESTING_ALLOWANCE = 8


@dataclass
class RequestError(Exception):
    """The request cannot run; ``code`` is the client's ``extensions.code``.
    These are request errors in GraphQL over HTTP's sense: no ``data``."""

    code: str
    message: str
    errors: list[GraphQLError] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)

    def graphql_errors(self) -> list[GraphQLError]:
        if self.errors:
            return self.errors
        extensions = {"code": self.code, **self.extensions}
        return [GraphQLError(self.message, extensions=extensions)]


def _limit(name: str, message: str, limits: Limits) -> RequestError:
    return RequestError(
        "LIMIT_EXCEEDED",
        f"Refused before execution: {message}.",
        extensions={"limit": name, "allowed": getattr(limits, name)},
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    document: DocumentNode
    operation: OperationDefinitionNode
    #: The variables as given (execution coerces them again, cheaply).
    variables: dict[str, Any]
    cost: int
    #: The variables coerced to the operation's types (defaults applied).
    coerced: VariableValues | None = None

    @property
    def operation_type(self) -> OperationType:
        return self.operation.operation


@dataclass(frozen=True, slots=True)
class Planner:
    """What preparation needs of the schema and the process."""

    schema: GraphQLSchema
    rules: Collection[type[ASTValidationRule]]
    cache: DocumentCache
    max_page_size: int
    list_sizes: Mapping[tuple[str, str], int]
    list_estimate: int
    #: Validation messages name no fields the caller did not write.
    hide_suggestions: bool = True

    def document(self, query: str, limits: Limits) -> DocumentNode:
        """``query`` parsed, within ``limits``, and valid against the schema."""
        max_nesting = limits.max_depth + NESTING_ALLOWANCE
        entry = self.cache.get(query)
        if entry is None:
            lexed = scan(query, max_tokens=limits.max_tokens, max_nesting=max_nesting)
            if isinstance(lexed, LexicalRefusal):
                raise _limit(lexed.limit, lexed.message, limits)
            try:
                document = parse(query, max_tokens=limits.max_tokens)
            except GraphQLError as error:
                raise RequestError(
                    "GRAPHQL_PARSE_FAILED",
                    error.message,
                    errors=[_with_code(error, "GRAPHQL_PARSE_FAILED")],
                ) from None
            except RecursionError:
                message = "the document nests too deep"
                raise _limit("max_depth", message, limits) from None
            entry = Entry(document, lexed, measure(document))
        else:
            # a cached entry may have come from a caller with larger limits
            refusal = entry.lexed.refusal(
                max_tokens=limits.max_tokens, max_nesting=max_nesting
            )
            if refusal is not None:
                raise _limit(refusal.limit, refusal.message, limits)
        exceeded = first_exceeded(entry.measure, limits)
        if exceeded is not None:
            raise _limit(*exceeded, limits)
        if entry.errors is None:
            entry.errors = validate(
                self.schema,
                entry.document,
                self.rules,
                max_errors=20,
                hide_suggestions=self.hide_suggestions,
            )
            self.cache.put(query, entry)
        if entry.errors:
            raise RequestError(
                "GRAPHQL_VALIDATION_FAILED",
                entry.errors[0].message,
                errors=[
                    _with_code(error, "GRAPHQL_VALIDATION_FAILED")
                    for error in entry.errors
                ],
            )
        return entry.document

    def operation(
        self, query: str, operation_name: str | None, limits: Limits
    ) -> tuple[DocumentNode, OperationDefinitionNode]:
        """The valid document and the operation to run of it."""
        document = self.document(query, limits)
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            message = (
                f"Unknown operation named '{operation_name}'."
                if operation_name is not None
                else "Must provide operation name if query contains "
                "multiple operations."
            )
            raise RequestError("OPERATION_RESOLUTION_FAILURE", message)
        return document, operation

    def admit(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any] | None,
        limits: Limits,
    ) -> Prepared:
        """The operation with variables that coerce and a cost within limits."""
        given = dict(variables or {})
        coerced = get_variable_values(
            self.schema,
            operation.variable_definitions or (),
            given,
            max_errors=10,
            hide_suggestions=self.hide_suggestions,
        )
        if isinstance(coerced, list):
            raise RequestError(
                "BAD_USER_INPUT",
                coerced[0].message,
                errors=[_with_code(error, "BAD_USER_INPUT") for error in coerced],
            )
        cost = operation_cost(
            self.schema,
            operation,
            fragments_of(document),
            coerced.coerced,
            max_page_size=self.max_page_size,
            list_sizes=self.list_sizes,
            list_estimate=self.list_estimate,
        )
        if cost > limits.max_cost:
            raise RequestError(
                "LIMIT_EXCEEDED",
                f"Refused before execution: the query's estimated cost is {cost}; "
                f"at most {limits.max_cost}.",
                extensions={
                    "limit": "max_cost",
                    "allowed": limits.max_cost,
                    "cost": cost,
                },
            )
        return Prepared(document, operation, given, cost, coerced)


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    """The error with its locations and a code; never its original error."""
    return GraphQLError(error.message, nodes=error.nodes, extensions={"code": code})
