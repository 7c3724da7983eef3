"""Schema assembly: types, extensions, caches."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    ParserCache,
    ValidationCache,
)
from graphql.validation import NoSchemaIntrospectionCustomRule

from schema.query import Query


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The gateway's schema; ``introspection=False`` refuses introspection."""
    extensions: list[object] = [
        ParserCache(maxsize=512),
        ValidationCache(maxsize=512),
        MaskErrors(),
    ]
    if not introspection:
        extensions.append(AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return strawberry.Schema(query=Query, extensions=extensions)  # type: ignore[arg-type]
