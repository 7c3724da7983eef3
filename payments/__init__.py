"""Taking payments: the processor interface and its sandbox, idempotency keys,
settling a charge on the ledger, and reconciliation."""
