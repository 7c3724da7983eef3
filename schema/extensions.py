"""Schema extensions: the authentication gate and the error policy."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from auth.authentication.errors import www_authenticate
from schema.errors import GatewayError, Unauthenticated
from schema.query import PUBLIC_FIELDS

log = logging.getLogger("gateway.errors")


def root_fields(document: DocumentNode, operation_name: str | None) -> set[str]:
    """Names of the root fields the operation selects, through fragments."""
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    names: set[str] = set()
    seen: set[str] = set()

    def walk(selections: SelectionSetNode) -> None:
        for node in selections.selections:
            if isinstance(node, FieldNode):
                names.add(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                fragment = fragments.get(node.name.value)
                if fragment is not None and fragment.name.value not in seen:
                    seen.add(fragment.name.value)
                    walk(fragment.selection_set)

    for operation in operations:
        if operation_name is None or (
            operation.name is not None and operation.name.value == operation_name
        ):
            walk(operation.selection_set)
    return names


class AuthenticationGate(SchemaExtension):
    """Anonymous callers may read the public fields only. Anything else is
    refused before execution starts (no resolver runs, no query is made) with
    HTTP 401 and an RFC 6750 challenge."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        if context.principal is None and document is not None:
            asked = root_fields(document, self.execution_context.operation_name)
            if not asked <= PUBLIC_FIELDS:
                self.execution_context.result = ExecutionResult(
                    data=None,
                    errors=[Unauthenticated("authentication required")],
                )
                context.response.status_code = 401
                context.response.headers["WWW-Authenticate"] = www_authenticate(None)
        yield


_SUGGESTION = re.compile(r" Did you mean [^?]*\?")


def shape_error(error: GraphQLError, *, suggestions: bool = True) -> GraphQLError:
    """Every error leaves with a stable ``extensions.code``; an unexpected one
    leaves as "Unexpected error." (no SQL, no stack trace) and is logged here.
    Without ``suggestions`` (production), validation messages do not offer
    field names ("Did you mean ...?") to callers who may not introspect."""
    original = error.original_error
    if isinstance(error, GatewayError):
        return error
    if isinstance(original, GatewayError):
        error.extensions = original.extensions
        return error
    if error.path is None and error.message.startswith("Variable '$"):
        # variable values that do not coerce: graphql-core's message is safe
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            extensions={"code": "BAD_USER_INPUT"},
        )
    if original is None:
        syntax = error.message.startswith("Syntax Error")
        message = error.message if suggestions else _SUGGESTION.sub("", error.message)
        return GraphQLError(
            message,
            nodes=error.nodes,
            extensions={
                "code": "GRAPHQL_PARSE_FAILED"
                if syntax
                else "GRAPHQL_VALIDATION_FAILED"
            },
        )
    log.error("unexpected error at %s", error.path, exc_info=original)
    return GraphQLError(
        "Unexpected error.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )
