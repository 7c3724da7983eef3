"""Demo-only code: the embedded PostgreSQL, the demo data, the development issuer."""
