"""Deterministic demo data.

- ``demo.seed.generator.generate(scale, seed, as_of)`` yields every row, without a
  database, the same for the same arguments;
- ``demo.seed.loader.load(engine, scale=..., seed=..., as_of=...)`` copies them into
  an empty, migrated database; ``is_seeded`` and ``digest`` inspect one;
- ``demo.seed.personas`` holds the fixed demo personas' ids and numbers (importing
  it loads nothing else: the issuer and tests use it without the generator).
"""
