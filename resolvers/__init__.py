"""Resolvers: thin async functions behind the schema's root fields."""
