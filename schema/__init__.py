"""The GraphQL schema: types per domain, the context, and the schema assembly."""

from schema import enums as enums  # registers the coded values' GraphQL enums
