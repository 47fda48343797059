"""Detection test bench: the engine's inline-row Warehouse (tests/engine/conftest.py)."""

from __future__ import annotations

import pytest

from engine.conftest import Warehouse


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def wh2(request) -> Warehouse:
    """A fresh inline warehouse, once on DuckDB and once on Spark."""
    return Warehouse(backend=request.param)


@pytest.fixture
def wh() -> Warehouse:
    """A fresh inline warehouse on DuckDB."""
    return Warehouse()
