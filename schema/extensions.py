"""Schema extensions: the prepared document, and the error policy."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import (
    GraphQLError,
)
from strawberry.extensions import SchemaExtension

from db.failures import classify
from schema.errors import GatewayError

log = logging.getLogger("gateway.errors")


class PreparedDocument(SchemaExtension):
    """Hands Strawberry the document the view already parsed, checked and
    validated (``documents.prepare``): it is neither parsed nor validated
    again."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        prepared = getattr(context, "prepared", None)
        if prepared is not None:
            self.execution_context.graphql_document = prepared.document
            # not None: Strawberry's own validation is skipped
            self.execution_context.pre_execution_errors = []
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
    failure = classify(original)
    if failure is not None:
        log.warning("database failure at %s: %r", error.path, original)
        return GraphQLError(
            failure.message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": failure.code},
        )
    log.error("unexpected error at %s", error.path, exc_info=original)
    return GraphQLError(
        "Unexpected error.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )
