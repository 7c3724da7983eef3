"""The Node interface: every object with an opaque global ID."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLAbstractType, GraphQLResolveInfo

from loaders import ids


@strawberry.interface(description="An object with an opaque, global ID.")
class Node:
    id: strawberry.ID

    @classmethod
    def resolve_type(
        cls, obj: Any, info: GraphQLResolveInfo[Any], type_: GraphQLAbstractType
    ) -> str | None:
        decoded = ids.decode(obj.id)
        return decoded[0] if decoded else None


class RowBacked:
    """Mixin for types whose values are database rows, not instances: the
    field's declared type is the object's type (no per-object isinstance)."""

    @classmethod
    def is_type_of(cls, obj: Any, info: GraphQLResolveInfo[Any]) -> bool:
        return True
