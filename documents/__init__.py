"""GraphQL documents before execution: limits, cost, caches, persisted and
trusted documents. Everything here runs before any resolver does."""
