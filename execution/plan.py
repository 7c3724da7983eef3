"""Plans: a validated operation turned, once, into a tree the executor walks.

A plan holds, for each field the operation selects (fragments inlined, the
same response keys merged as GraphQL merges them), what the executor needs
and nothing it must look up again: the schema's field, its Strawberry
definition (resolver, argument conversion), the declared guard
(``schema.permissions.Guard``, from ``auth.authorization.rules``), the batch
lookup when the field is one of the declared batched ones
(``execution.batches``), the leaf serializer, and the children per concrete
type. Plans do not depend on variables or on who asks; they are kept per
document and operation (and caller kind, so each kind's path is planned and
counted on its own).

What the planner does not take (introspection, directives, subscriptions and
mutations, a field with extensions other than the guard) makes the whole
operation go to Strawberry, with the reason (``Unsupported``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Visitor,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    visit,
)
from graphql.execution.values import get_argument_values
from strawberry.schema.schema_converter import GraphQLCoreConverter, get_arguments
from strawberry.types.field import StrawberryField

from documents.prepare import fragments_of
from execution.batches import BATCHED, Batched
from schema.permissions import Guard

#: Where Strawberry keeps a GraphQL field's own definition.
_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


class Unsupported(Exception):
    """An operation the planned path does not run; the message says why."""


@dataclass(slots=True)
class FieldPlan:
    key: str
    name: str
    nodes: list[FieldNode]
    definition: GraphQLField | None
    #: None for ``__typename``.
    strawberry: StrawberryField | None
    guard: Guard | None
    batched: Batched | None
    return_type: GraphQLOutputType
    #: For fields of object or abstract type: the selection per concrete type.
    children: dict[str, list[FieldPlan]] = field(default_factory=dict)
    #: The arguments need no variables: coerced once, here.
    arguments: dict[str, Any] | None = None
    uses_variables: bool = False


@dataclass(slots=True)
class Plan:
    root_type: GraphQLObjectType
    fields: list[FieldPlan]
    #: The operation as one statement (``execution.compile``) for parents, or
    #: why it does not compile; None until a parent first runs it.
    compiled: Any = None


def converted_arguments(
    plan: FieldPlan, variables: Any, config: Any, scalars: Any
) -> dict[str, Any]:
    """``plan``'s resolver arguments, coerced by graphql-core and converted
    as Strawberry converts them (the parent and root parameters left out)."""
    assert plan.definition is not None
    assert plan.strawberry is not None
    coerced = get_argument_values(plan.definition, plan.nodes[0], variables)
    _, converted = get_arguments(
        field=plan.strawberry,
        source=None,
        info=None,  # type: ignore[arg-type]
        kwargs=coerced,
        config=config,
        scalar_registry=scalars,
    )
    resolver = plan.strawberry.base_resolver
    if resolver is not None:
        for parameter in (resolver.parent_parameter, resolver.root_parameter):
            if parameter is not None:
                converted.pop(parameter.name, None)
    return converted


class _FindVariable(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_variable(self, *_: Any) -> None:
        self.found = True


def _uses_variables(node: FieldNode) -> bool:
    """Whether any argument of ``node`` holds a variable (at any depth)."""
    finder = _FindVariable()
    for argument in node.arguments or ():
        visit(argument.value, finder)
    return finder.found


class Planner:
    """Builds plans for one schema; keeps the latest ones (bounded)."""

    def __init__(self, schema: GraphQLSchema, capacity: int = 256) -> None:
        self.schema = schema
        self.capacity = capacity
        self._plans: OrderedDict[tuple[str, str | None, str], Plan | str] = (
            OrderedDict()
        )

    def plan(
        self,
        key: tuple[str, str | None, str],
        document: DocumentNode,
        operation: OperationDefinitionNode,
    ) -> Plan:
        """The plan for ``operation`` of ``document`` (kept under ``key``);
        ``Unsupported`` when the planned path does not run it."""
        found = self._plans.get(key)
        if found is None:
            try:
                found = self._build(document, operation)
            except Unsupported as exc:
                found = str(exc)
            self._plans[key] = found
            if len(self._plans) > self.capacity:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        if isinstance(found, str):
            raise Unsupported(found)
        return found

    def _build(
        self, document: DocumentNode, operation: OperationDefinitionNode
    ) -> Plan:
        if operation.operation is not OperationType.QUERY:
            raise Unsupported(f"a {operation.operation.value}")
        if operation.directives:
            raise Unsupported("directives")
        fragments = fragments_of(document)
        root = self.schema.query_type
        assert root is not None
        return Plan(root, self._fields(root, [operation.selection_set], fragments))

    def _collect(
        self,
        parent: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> OrderedDict[str, list[FieldNode]]:
        """Fields by response key, as GraphQL collects them for ``parent``."""
        found: OrderedDict[str, list[FieldNode]] = OrderedDict()
        visited: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if selection.directives:
                    raise Unsupported("directives")
                if isinstance(selection, FieldNode):
                    key = (
                        selection.alias.value
                        if selection.alias
                        else selection.name.value
                    )
                    found.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or self._applies(condition.name.value, parent):
                        walk(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = fragments[name]
                    if self._applies(fragment.type_condition.name.value, parent):
                        walk(fragment.selection_set)

        for selection_set in selection_sets:
            walk(selection_set)
        return found

    def _applies(self, condition: str, parent: GraphQLObjectType) -> bool:
        if condition == parent.name:
            return True
        conditional = self.schema.get_type(condition)
        return conditional is not None and (
            is_abstract_type(conditional)
            and self.schema.is_sub_type(conditional, parent)
        )

    def _fields(
        self,
        parent: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> list[FieldPlan]:
        plans = []
        for key, nodes in self._collect(parent, selection_sets, fragments).items():
            plans.append(self._field(parent, key, nodes, fragments))
        return plans

    def _field(
        self,
        parent: GraphQLObjectType,
        key: str,
        nodes: list[FieldNode],
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> FieldPlan:
        name = nodes[0].name.value
        if name == "__typename":
            return FieldPlan(
                key, name, nodes, None, None, None, None, GraphQLNonNull(GraphQLString)
            )
        if name.startswith("__"):
            raise Unsupported("introspection")
        definition = parent.fields.get(name)
        if definition is None:
            raise Unsupported(f"{parent.name}.{name}")
        strawberry_field = (definition.extensions or {}).get(_DEFINITION)
        if not isinstance(strawberry_field, StrawberryField):
            raise Unsupported(f"{parent.name}.{name} without a definition")
        guards = [e for e in strawberry_field.extensions if isinstance(e, Guard)]
        if len(guards) != len(strawberry_field.extensions):
            raise Unsupported(f"{parent.name}.{name} has field extensions")
        if strawberry_field.permission_classes:
            raise Unsupported(f"{parent.name}.{name} has permission classes")
        plan = FieldPlan(
            key,
            name,
            nodes,
            definition,
            strawberry_field,
            guards[0] if guards else None,
            BATCHED.get((parent.name, name)),
            definition.type,
        )
        plan.uses_variables = _uses_variables(nodes[0])
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return plan
        selection_sets = [n.selection_set for n in nodes if n.selection_set]
        if isinstance(named, GraphQLObjectType):
            concrete = [named]
        else:
            concrete = list(self.schema.get_possible_types(named))
        for kind in concrete:
            plan.children[kind.name] = self._fields(kind, selection_sets, fragments)
        return plan
