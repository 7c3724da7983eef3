"""Fixtures for the fault tests: a PostgreSQL cluster they may freeze or stop,
fresh migrated databases on it, and a test issuer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import URL

from db import migrate
from db.engine import create_engine
from tests.faults.cluster import Cluster
from tests.support.issuer import TestIssuer


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """A cluster of the fault tests' own (never the shared test server)."""
    started = Cluster.start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
async def cluster_template(cluster: Cluster) -> str:
    """A database on the cluster migrated to head, to copy per test."""
    url = await cluster.databases.create()
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    assert url.database is not None
    return url.database


@pytest.fixture
async def cluster_database(
    cluster: Cluster, cluster_template: str
) -> AsyncIterator[URL]:
    """A fresh migrated database on the cluster, dropped after the test."""
    url = await cluster.databases.create(template=cluster_template)
    yield url
    assert url.database is not None
    await cluster.databases.drop(url.database)


@pytest.fixture(scope="module")
def running_issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as running:
        yield running


@pytest.fixture
def issuer(running_issuer: TestIssuer) -> TestIssuer:
    """The module's issuer, back to its first key, zero counts, behaving."""
    running_issuer.reset()
    return running_issuer
