"""Guards tests: each golden case on DuckDB and on Spark."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request) -> str:
    """Each golden case once on DuckDB and once on Spark."""
    return request.param
