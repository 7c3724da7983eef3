"""Mutation fields, one module per domain, merged into the root Mutation type."""
