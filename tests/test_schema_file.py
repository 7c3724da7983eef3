"""schema.graphql is committed; it must be what the code builds."""

from __future__ import annotations

from schema.build import build_schema
from settings import ROOT


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == build_schema().as_str() + "\n", (
        "schema.graphql is stale: run ./run export-schema"
    )
