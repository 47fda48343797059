"""The engines a calculation runs on: DuckDB (embedded default) and Spark. Each has one
adapter (`backends.duckdb`, `backends.spark`) holding all that differs between them; the
rest of the engine asks for the adapter by name or by connection, never for the name itself.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir

from schemeops.engine.backends.base import Adapter, Executor, csv_writer, fetch_now
from schemeops.engine.backends.duckdb import DuckDBAdapter
from schemeops.engine.backends.postgres import PostgresAdapter
from schemeops.engine.backends.spark import SparkAdapter, SparkSettings
from schemeops.errors import UsageError
from schemeops.lake import lake_tables
from schemeops.warehouse_file import check_contract_tables, check_warehouse_path

__all__ = ["BACKENDS", "Adapter", "Executor", "SparkSettings", "adapter", "adapter_of",
           "connect_lake", "connect_source", "connect_warehouse", "csv_writer", "fetch_now",
           "materialize", "require_warehouse"]

_ADAPTERS: tuple[Adapter, ...] = (DuckDBAdapter(), SparkAdapter(), PostgresAdapter())
#: The backends' names, the default first.
BACKENDS = tuple(a.name for a in _ADAPTERS)


def adapter(name: str) -> Adapter:
    """The adapter of the backend called `name`; UsageError naming the others."""
    for a in _ADAPTERS:
        if a.name == name:
            return a
    raise UsageError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


def adapter_of(con: ibis.BaseBackend) -> Adapter:
    """The adapter of the Ibis connection `con`; UsageError when none is for its engine."""
    for a in _ADAPTERS:
        if a.ibis_name == con.name:
            return a
    raise UsageError(f"no schemeops backend runs on Ibis's {con.name!r}; "
                     f"choose one of {', '.join(BACKENDS)}")


def require_warehouse(warehouse: Path) -> None:
    """Raise UsageError unless `warehouse` is a DuckDB database file."""
    check_warehouse_path(warehouse, must_exist=True)
    check_contract_tables(warehouse)


def connect_warehouse(warehouse: Path, backend: str = "duckdb", *,
                      spark: SparkSettings | None = None) -> ibis.BaseBackend:
    """An Ibis connection whose tables are the warehouse's contract tables."""
    require_warehouse(warehouse)
    return adapter(backend).connect(warehouse, spark=spark)


def connect_lake(lake: Path, backend: str = "duckdb", *,
                 spark: SparkSettings | None = None) -> ibis.BaseBackend:
    """An Ibis connection whose tables read the lake's Parquet files in place."""
    return adapter(backend).connect_lake(lake_tables(lake), spark=spark)


def materialize(t: ir.Table) -> ir.Table:
    """`t` computed once on its own backend (DuckDB: a temporary table; Spark: a cached
    DataFrame)."""
    return adapter_of(t.get_backend()).materialize(t)


def connect_source(url: str) -> ibis.BaseBackend:
    """An Ibis connection to the database at `url` holding the contract tables
    (postgresql://…), computed there."""
    return PostgresAdapter().connect_url(url)
