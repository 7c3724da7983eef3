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
from strawberry.types.graphql import OperationType

from auth.authentication.errors import AuthenticationError, www_authenticate
from db.enums import ShareScope
from schema.context import Context
from schema.errors import AccountNotLinked, Forbidden, GatewayError, Unauthenticated
from schema.query import PUBLIC_FIELDS

#: Root fields a login not yet linked to a party may ask for (besides public).
LINKING_FIELDS = frozenset({"linkAccount"})

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
    """Who may ask for which root fields, decided before execution starts (no
    resolver runs, no query is made):

    - anonymous callers: the public fields only, else HTTP 401 and an RFC 6750
      challenge;
    - a token without the read scope (``settings.read_scope`` for people,
      ``case:read`` for partner agencies): the public fields only, else HTTP
      403 ``FORBIDDEN`` naming the scope (``insufficient_scope``); a person's
      mutation (``linkAccount`` aside) needs ``settings.write_scope`` too;
    - a login not linked to a party yet: the public fields and
      ``linkAccount``, else HTTP 403 ``ACCOUNT_NOT_LINKED``.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        if document is not None:
            asked = root_fields(document, self.execution_context.operation_name)
            writes = self._writes(asked)
            refusal = self._refusal(context, asked - PUBLIC_FIELDS, writes=writes)
            if refusal is not None:
                error, status, challenge = refusal
                self.execution_context.result = ExecutionResult(
                    data=None, errors=[error]
                )
                context.response.status_code = status
                if challenge is not None:
                    context.response.headers["WWW-Authenticate"] = challenge
        yield

    def _writes(self, asked: set[str]) -> bool:
        """The operation is a mutation asking for more than ``linkAccount``."""
        operation = self.execution_context.operation_type
        return operation is OperationType.MUTATION and bool(asked - LINKING_FIELDS)

    @staticmethod
    def _refusal(
        context: Context, asked: set[str], *, writes: bool = False
    ) -> tuple[GatewayError, int, str | None] | None:
        if not asked:
            return None
        principal = context.principal
        if principal is None:
            error = Unauthenticated("authentication required")
            return error, 401, www_authenticate(None)
        scope = (
            str(ShareScope.CASE_READ)
            if principal.is_agency
            else context.settings.read_scope
        )
        if writes and not principal.is_agency and principal.has_scope(scope):
            # people change things with the write scope; partners' changes
            # are decided per mutation by their share (``rules.MUTATIONS``)
            scope = context.settings.write_scope
        if not principal.has_scope(scope):
            challenge = www_authenticate(
                AuthenticationError("insufficient_scope", f"needs scope {scope}")
            )
            message = f"the token does not grant the {scope} scope"
            return Forbidden(message, scope=scope), 403, challenge
        if principal.is_unlinked and not asked <= LINKING_FIELDS:
            message = "link your login to your case first (linkAccount)"
            return AccountNotLinked(message), 403, None
        return None


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
