"""The deterministic demo-data generator: ``generate(scale, seed, as_of)``.

Pure: no database, no wall clock. The same arguments give the same rows, down
to the ids. The frame (agencies, staff, employers, help content) and the
personas come first, then families, each from a random stream derived from the
seed and its own index, drained every few hundred cases so memory stays flat at
any scale.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from datetime import date

from demo.seed.families import add_family
from demo.seed.persona_family import add_personas
from demo.seed.tables import Sink, TableBatch
from demo.seed.world import build_world

CASES_PER_SCALE = 1_000
CASES_PER_DRAIN = 250


def generate(
    scale: int, seed: int, as_of: date, *, cases: int | None = None
) -> Iterator[TableBatch]:
    """Yield every seeded row, in foreign-key order, in batches.

    ``scale`` sizes the frame (staff, employers) and, unless ``cases`` says
    otherwise, the number of cases (about ``scale`` x 1,000). Dates fall before
    ``as_of``, except upcoming hearings.
    """
    if scale < 1:
        raise ValueError("scale is a positive integer")
    target = CASES_PER_SCALE * scale if cases is None else cases
    sink = Sink()
    world = build_world(sink, random.Random(f"{seed}:world"), scale, as_of)
    made = len(add_personas(sink, world))
    family = undrained = 0
    while made < target:
        family += 1
        count = add_family(sink, random.Random(f"{seed}:family:{family}"), world)
        made += count
        undrained += count
        if undrained >= CASES_PER_DRAIN:
            yield from sink.drain()
            undrained = 0
    yield from sink.drain()


def digest_batches(batches: Iterable[TableBatch]) -> str:
    """A SHA-256 over every batch's table, columns and rows, in order."""
    digest = hashlib.sha256()
    for batch in batches:
        digest.update(repr((batch.table, batch.columns)).encode())
        for row in batch.rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()
