"""Who may ask for which root fields, decided before execution starts (no
resolver runs, no query is made):

- anonymous callers: the public fields only, else HTTP 401 and an RFC 6750
  challenge;
- a token without the read scope (``settings.read_scope`` for people,
  ``case:read`` for partner agencies): the public fields only, else HTTP 403
  ``FORBIDDEN`` naming the scope (``insufficient_scope``); a person's mutation
  (``linkAccount`` aside) needs ``settings.write_scope`` too;
- a login not linked to a party yet: the public fields and ``linkAccount``,
  else HTTP 403 ``ACCOUNT_NOT_LINKED``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from auth.authentication.errors import AuthenticationError, www_authenticate
from auth.principal import Principal
from db.enums import ShareScope
from schema.errors import AccountNotLinked, Forbidden, GatewayError, Unauthenticated
from schema.query import PUBLIC_FIELDS
from settings import Settings

#: Root fields a login not yet linked to a party may ask for (besides public).
LINKING_FIELDS = frozenset({"linkAccount"})


@dataclass(frozen=True, slots=True)
class GateRefusal:
    error: GatewayError
    status: int
    #: The ``WWW-Authenticate`` challenge, if any.
    challenge: str | None


def root_fields(
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> set[str]:
    """Names of the root fields ``operation`` selects, through fragments."""
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

    walk(operation.selection_set)
    return names


def refusal(
    principal: Principal | None,
    settings: Settings,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> GateRefusal | None:
    """Why ``principal`` may not run ``operation``, or ``None``."""
    asked = root_fields(operation, fragments) - PUBLIC_FIELDS
    if not asked:
        return None
    if principal is None:
        error = Unauthenticated("authentication required")
        return GateRefusal(error, 401, www_authenticate(None))
    scope = str(ShareScope.CASE_READ) if principal.is_agency else settings.read_scope
    writes = operation.operation is OperationType.MUTATION and bool(
        asked - LINKING_FIELDS
    )
    if writes and not principal.is_agency and principal.has_scope(scope):
        # people change things with the write scope; partners' changes are
        # decided per mutation by their share (``rules.MUTATIONS``)
        scope = settings.write_scope
    if not principal.has_scope(scope):
        challenge = www_authenticate(
            AuthenticationError("insufficient_scope", f"needs scope {scope}")
        )
        message = f"the token does not grant the {scope} scope"
        return GateRefusal(Forbidden(message, scope=scope), 403, challenge)
    if principal.is_unlinked and not asked <= LINKING_FIELDS:
        message = "link your login to your case first (linkAccount)"
        return GateRefusal(AccountNotLinked(message), 403, None)
    return None
