"""Fixtures for the API tests: one independent issuer per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.issuer import TestIssuer


@pytest.fixture(scope="module")
def running_issuer() -> Iterator[TestIssuer]:
    """A real issuer served over loopback HTTP for the module's tests."""
    with TestIssuer() as running:
        yield running


@pytest.fixture
def issuer(running_issuer: TestIssuer) -> TestIssuer:
    """The module's issuer, back to its first key and zero counts."""
    running_issuer.reset()
    return running_issuer
