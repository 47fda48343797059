"""`load` keeps to DuckDB's memory limit as the data grows: 200,000 generated lines load
within 64 MB. The bound has room (this version needs under 48 MB) and catches a query that
holds a state per key of the whole load in memory: one that did ("first seen at" over every
key) failed here, and failed the 10M-line benchmark load at the default 1 GB."""

from pathlib import Path

import pytest

from schemeops.generate import generate
from schemeops.ingest import load


@pytest.mark.slow
def test_200k_lines_load_within_64_mb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    generate(tmp_path / "data", lines=200_000, seed=5)
    monkeypatch.setenv("SCHEMEOPS_MEMORY_LIMIT", "64MB")
    report = load([tmp_path / "data"], warehouse=tmp_path / "wh.duckdb")
    assert report.ok and report.loaded
    sales = next(c for c in report.counts if c.table == "sales")
    assert sales.read == sales.accepted == 200_000
