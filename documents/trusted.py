"""Trusted documents: the production apps send only operations the agency
shipped in them. A manifest (Apollo's persisted-query manifest format) lists
each operation with its SHA-256; ``./run build-manifest`` builds it from the
clients' ``.graphql`` files. For the kinds of caller it applies to, anything
else is refused before parsing: the request is looked up by hash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor

from documents.persisted import sha256_of

FORMAT = "apollo-persisted-query-manifest"


class ManifestError(ValueError):
    """A client document is not valid against the schema, or is ambiguous."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """Allowed documents by their SHA-256 (lowercase hex)."""

    documents: Mapping[str, str]

    def get(self, digest: str) -> str | None:
        return self.documents.get(digest)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT or data.get("version") != 1:
            raise ManifestError(f"{path}: not a {FORMAT} (version 1)")
        documents: dict[str, str] = {}
        for operation in data["operations"]:
            body = operation["body"]
            if sha256_of(body) != operation["id"]:
                raise ManifestError(f"{path}: {operation['name']}: id is not its hash")
            documents[operation["id"]] = body
        return cls(documents)


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.add(node.name.value)


def _used_fragments(
    node: OperationDefinitionNode | FragmentDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> list[FragmentDefinitionNode]:
    """The fragments ``node`` spreads, directly or not, by name."""
    found: dict[str, FragmentDefinitionNode] = {}
    pending = [node]
    while pending:
        spreads = _Spreads()
        visit(pending.pop(), spreads)
        for name in sorted(spreads.names - found.keys()):
            if name not in fragments:
                raise ManifestError(f"unknown fragment {name}")
            found[name] = fragments[name]
            pending.append(fragments[name])
    return [found[name] for name in sorted(found)]


def build(
    schema: GraphQLSchema, sources: Iterable[tuple[str, str]]
) -> dict[str, object]:
    """The manifest of every operation in ``sources`` ((name, text) pairs):
    each operation with the fragments it uses, printed canonically, checked
    against ``schema``."""
    operations: list[OperationDefinitionNode] = []
    fragments: dict[str, FragmentDefinitionNode] = {}
    for name, source in sources:
        try:
            document = parse(source)
        except GraphQLError as error:
            raise ManifestError(f"{name}: {error.message}") from None
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise ManifestError(f"{name}: every operation needs a name")
                operations.append(definition)
            elif isinstance(definition, FragmentDefinitionNode):
                if definition.name.value in fragments:
                    raise ManifestError(
                        f"{name}: fragment {definition.name.value} defined twice"
                    )
                fragments[definition.name.value] = definition
    entries: list[dict[str, str]] = []
    seen: set[str] = set()
    for operation in sorted(operations, key=lambda o: o.name.value if o.name else ""):
        assert operation.name is not None
        label = operation.name.value
        if label in seen:
            raise ManifestError(f"operation {label} defined twice")
        seen.add(label)
        document = DocumentNode(
            definitions=(operation, *_used_fragments(operation, fragments))
        )
        errors = validate(schema, document)
        if errors:
            raise ManifestError(f"{label}: {errors[0].message}")
        body = print_ast(document)
        entries.append(
            {
                "id": sha256_of(body),
                "name": label,
                "type": operation.operation.value,
                "body": body,
            }
        )
    return {"format": FORMAT, "version": 1, "operations": entries}
