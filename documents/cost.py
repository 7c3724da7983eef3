"""The cost of an operation: an estimate of the fields it resolves.

Each field costs 1 (``__typename`` nothing). A paginated field (one with a
``first`` argument) multiplies what it selects by ``first``, or by the
maximum page size when ``first`` is absent; inside its connection, ``edges``
and ``nodes`` are that page and multiply nothing more. Any other list
multiplies by its declared size (``schema.list_sizes``), or by
``list_estimate`` when it has none. Aliases are separate fields, so the same list
asked for twice with other arguments is counted twice. Introspection is
static and multiplies nothing.

The estimate is linear in its multipliers, so each fragment is costed once
per type and scaled where it is spread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)

#: Fields of a connection that are its page, already multiplied.
_PAGE_FIELDS = frozenset({"edges", "nodes"})


def _unwrap(type_: GraphQLType) -> tuple[GraphQLType, bool]:
    """The named type under lists and non-nulls, and whether a list was there."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            is_list = True
        type_ = type_.of_type
    return type_, is_list


class _Coster:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        max_page_size: int,
        list_sizes: Mapping[tuple[str, str], int],
        list_estimate: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page_size = max_page_size
        self.list_sizes = list_sizes
        self.list_estimate = list_estimate
        self.memo: dict[str, int] = {}
        self.open: set[str] = set()

    def page_size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, min(int(value.value), self.max_page_size))
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(0, min(given, self.max_page_size))
        return self.max_page_size

    def selections(
        self,
        parent: GraphQLNamedType | None,
        selections: SelectionSetNode | None,
        *,
        in_connection: bool = False,
    ) -> int:
        if selections is None:
            return 0
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, in_connection=in_connection)
            elif isinstance(node, InlineFragmentNode):
                inner = parent
                if node.type_condition is not None:
                    inner = self.schema.get_type(node.type_condition.name.value)
                total += self.selections(
                    inner, node.selection_set, in_connection=in_connection
                )
            elif isinstance(node, FragmentSpreadNode):
                total += self.fragment(node.name.value)
        return total

    def fragment(self, name: str) -> int:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.open:
            return 0
        self.open.add(name)
        try:
            parent = self.schema.get_type(fragment.type_condition.name.value)
            cost = self.selections(parent, fragment.selection_set)
        finally:
            self.open.discard(name)
        self.memo[name] = cost
        return cost

    def field(
        self, parent: GraphQLNamedType | None, node: FieldNode, *, in_connection: bool
    ) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        definition: GraphQLField | None = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        if name.startswith("__") or definition is None:
            # introspection (static), or a field validation refuses anyway
            return 1 + self.selections(None, node.selection_set)
        named, is_list = _unwrap(definition.type)
        assert isinstance(named, GraphQLNamedType)
        if "first" in definition.args:
            size, connection = self.page_size(node), True
        elif is_list and not (in_connection and name in _PAGE_FIELDS):
            assert isinstance(parent, GraphQLNamedType)
            declared = self.list_sizes.get((parent.name, name))
            size, connection = declared or self.list_estimate, False
        else:
            size, connection = 1, False
        return 1 + size * self.selections(
            named, node.selection_set, in_connection=connection
        )


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    *,
    max_page_size: int,
    list_sizes: Mapping[tuple[str, str], int],
    list_estimate: int,
) -> int:
    """The estimated fields ``operation`` resolves with these ``variables``."""
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    coster = _Coster(
        schema, fragments, variables, max_page_size, list_sizes, list_estimate
    )
    return coster.selections(root, operation.selection_set)
