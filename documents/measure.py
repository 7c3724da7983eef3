"""Counts of a parsed document, checked against the caller's limits before
validation (validation's cost grows with what is counted here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
)

from documents.limits import Limits


@dataclass(frozen=True, slots=True)
class Measure:
    operations: int
    fragments: int
    directives: int
    aliases: int
    #: The most root fields of any one operation, through fragments.
    root_fields: int
    #: The deepest field nesting of any operation, through fragments.
    depth: int


def _count_nodes(document: DocumentNode) -> tuple[int, int]:
    """Directives and aliases anywhere in the document (iterative walk)."""
    directives = aliases = 0
    stack: list[Node] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, DirectiveNode):
            directives += 1
        elif isinstance(node, FieldNode) and node.alias is not None:
            aliases += 1
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(item for item in value if isinstance(item, Node))
    return directives, aliases


class _Walker:
    """Depth and root-field counts through fragment spreads; each fragment is
    measured once, and a cycle (refused later by validation) counts once."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.depths: dict[str, int] = {}
        self.roots: dict[str, int] = {}
        self.open: set[str] = set()

    def depth(self, selections: SelectionSetNode | None) -> int:
        if selections is None:
            return 0
        deepest = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                deepest = max(deepest, 1 + self.depth(node.selection_set))
            elif isinstance(node, InlineFragmentNode):
                deepest = max(deepest, self.depth(node.selection_set))
            elif isinstance(node, FragmentSpreadNode):
                deepest = max(
                    deepest, self._fragment(node.name.value, self.depths, self.depth)
                )
        return deepest

    def root_fields(self, selections: SelectionSetNode) -> int:
        count = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                count += 1
            elif isinstance(node, InlineFragmentNode):
                count += self.root_fields(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                count += self._fragment(node.name.value, self.roots, self.root_fields)
        return count

    def _fragment(
        self,
        name: str,
        memo: dict[str, int],
        measure: Callable[[SelectionSetNode], int],
    ) -> int:
        if name in memo:
            return memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.open:
            return 0
        self.open.add(name)
        try:
            value = measure(fragment.selection_set)
        finally:
            self.open.discard(name)
        memo[name] = value
        return value


def measure(document: DocumentNode) -> Measure:
    """The counts the limits apply to. The caller has bounded the document's
    bracket nesting first (``documents.lexing``), so recursion is bounded."""
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    directives, aliases = _count_nodes(document)
    walker = _Walker(fragments)
    return Measure(
        operations=len(operations),
        fragments=sum(
            isinstance(d, FragmentDefinitionNode) for d in document.definitions
        ),
        directives=directives,
        aliases=aliases,
        root_fields=max(
            (walker.root_fields(op.selection_set) for op in operations), default=0
        ),
        depth=max((walker.depth(op.selection_set) for op in operations), default=0),
    )


def first_exceeded(measured: Measure, limits: Limits) -> tuple[str, str] | None:
    """The first limit ``measured`` crosses: (limit name, message)."""
    checks = (
        ("max_operations", measured.operations, "operations"),
        ("max_fragments", measured.fragments, "fragments"),
        ("max_directives", measured.directives, "directives"),
        ("max_aliases", measured.aliases, "aliases"),
        ("max_root_fields", measured.root_fields, "root fields"),
        ("max_depth", measured.depth, "levels of nesting"),
    )
    for name, value, what in checks:
        allowed: int = getattr(limits, name)
        if value > allowed:
            return name, f"the document has {value} {what}; at most {allowed}"
    return None
