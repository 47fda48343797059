"""Connect the engine to a warehouse on a backend: DuckDB (embedded default) or Spark."""

from __future__ import annotations

from pathlib import Path

import ibis

from schemeops.errors import UsageError

BACKENDS = ("duckdb", "spark")


def require_warehouse(warehouse: Path) -> None:
    """Raise UsageError when there is no warehouse file at `warehouse`."""
    if not warehouse.exists():
        raise UsageError(f"no warehouse at {warehouse}; load data first (schemeops load …)")


def connect_warehouse(warehouse: Path, backend: str = "duckdb") -> ibis.BaseBackend:
    """An Ibis connection whose tables are the warehouse's contract tables."""
    require_warehouse(warehouse)
    if backend == "duckdb":
        return ibis.duckdb.connect(str(warehouse), read_only=True)
    if backend == "spark":
        from schemeops.engine.spark import spark_from_duckdb

        return spark_from_duckdb(warehouse)
    raise UsageError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
