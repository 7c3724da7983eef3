"""Fixtures for the fuzz runs: one issuer per module, both families seeded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fuzz.world import World, seed
from tests.support.issuer import TestIssuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as running:
        yield running


@dataclass(frozen=True)
class Seeded:
    engine: AsyncEngine
    world: World


@pytest.fixture
async def seeded(engine: AsyncEngine, issuer: TestIssuer) -> Seeded:
    """The test's database with both families and every caller linked."""
    async with engine.begin() as conn:
        world = await seed(conn, issuer.url)
    return Seeded(engine, world)
