"""The GraphQL schema: types per domain, the context, and the schema assembly."""
