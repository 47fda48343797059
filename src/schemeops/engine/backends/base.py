"""What a backend adapter provides (`Adapter`), and the executor that runs each query
straight away (`Immediate`), with the CSV writer every backend shares."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import sqlglot as sg
import sqlglot.expressions as sge

from schemeops.errors import UsageError

if TYPE_CHECKING:
    from schemeops.engine.backends.spark import SparkSettings
    from schemeops.lake import LakeTable


class Executor(Protocol):
    """Runs the queries of one calculation; each method returns before the query is done
    when the executor can overlap them (the returned function waits)."""

    def materialize(self, t: ir.Table) -> ir.Table:
        """`t` computed once, as a table later queries read."""

    def stage(self, t: ir.Table) -> ir.Table:
        """`t`, which one later query reads: computed on its own where the engine plans
        better so (as `materialize`), else left inside that query."""

    def read_warehouse(self, t: ir.Table) -> Callable[[], pa.Table]:
        """`t`'s result as Arrow; `t` reads the warehouse's tables only."""

    def write_csv(self, t: ir.Table, path: Path) -> Callable[[], int]:
        """Write `t`'s rows to `path` as CSV (`csv_copy`); the function gives how many."""

    def fetch(self, t: ir.Table) -> Callable[[], pa.Table]:
        """`t`'s result as Arrow (`t` may read what `materialize` made)."""

    def close(self) -> None:
        """Stop: queries not started are dropped."""


#: A memory size as DuckDB reads it: a number and a unit (1000- or 1024-based).
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def memory_size(text: str) -> str:
    """`text` as a memory size ("6GB", "5.5 GiB"); UsageError naming the form otherwise."""
    found = _SIZE.fullmatch(text.strip())
    if found is None:
        raise UsageError(f"--memory-limit {text[:40]!r} is not a memory size; write a number "
                         "and a unit, e.g. 6GB or 5.5GiB")
    return f"{found[1]}{found[2]}"


class Adapter(ABC):
    """Every difference between the engines a calculation runs on, and every use of a
    library's private API that one of them needs; the rest of the engine asks this."""

    #: The name the CLI, the store and the manifest use.
    name: ClassVar[str]
    #: Ibis's name for the backend (`BaseBackend.name`).
    ibis_name: ClassVar[str]

    @abstractmethod
    def connect(self, warehouse: Path, *, spark: SparkSettings | None = None
                ) -> ibis.BaseBackend:
        """An Ibis connection whose tables are the DuckDB warehouse file's contract tables
        (`spark`: where and how Spark runs; other engines ignore it)."""

    @abstractmethod
    def connect_lake(self, tables: Mapping[str, LakeTable], *,
                     spark: SparkSettings | None = None) -> ibis.BaseBackend:
        """An Ibis connection whose tables read the lake's Parquet files in place."""

    def cap_memory(self, con: ibis.BaseBackend, limit: str) -> None:
        """Hold the engine's memory for `con`'s queries to `limit` (e.g. "6GB"), spilling
        beyond it; only DuckDB takes it (Spark's memory is its settings', PostgreSQL's the
        server's)."""
        raise UsageError(f"--memory-limit caps DuckDB's memory; {self.name} sets its own "
                         "(Spark: --spark-conf spark.driver.memory=…)")

    @abstractmethod
    def materialize(self, t: ir.Table) -> ir.Table:
        """`t` computed once (a temporary table, a cached DataFrame), for later queries."""

    @abstractmethod
    def row_hash(self, row: ir.StructValue) -> ir.DecimalValue:
        """The backend's own hash of a row as a signed integer (decimal(28,0))."""

    def table_rows(self, con: ibis.BaseBackend, name: str, *, columns: Sequence[str]
                   ) -> list[tuple] | None:
        """The rows of the warehouse's small bookkeeping table `name` (None when `con` has
        none: only the contract tables)."""
        return None

    def executor(self, con: ibis.BaseBackend) -> Executor:
        """What runs one calculation's queries on `con`."""
        return Immediate(con, self.materialize)


class Immediate:
    """An `Executor` that runs each query on the connection when it is asked."""

    def __init__(self, con: ibis.BaseBackend, materialize: Callable[[ir.Table], ir.Table]
                 ) -> None:
        self.materialize = self.stage = materialize
        self.read_warehouse = self.fetch = fetch_now(con)
        self.write_csv = csv_writer(con)

    def close(self) -> None:
        """Nothing runs after a call returns: nothing to stop."""


def fetch_now(con: ibis.BaseBackend) -> Callable[[ir.Table], Callable[[], pa.Table]]:
    """Runs a query on `con` straight away; the function returned gives its result."""
    def fetch(t: ir.Table) -> Callable[[], pa.Table]:
        table = con.to_pyarrow(t)
        return lambda: table
    return fetch


def csv_writer(con: ibis.BaseBackend) -> Callable[[ir.Table, Path], Callable[[], int]]:
    """Writes a table's rows to a CSV file: runs the query on `con` and hands the rows to a
    local DuckDB's COPY, so that every backend writes the same bytes."""
    def write(t: ir.Table, path: Path) -> Callable[[], int]:
        table = con.to_pyarrow(t)
        local = duckdb.connect()
        local.execute("SET preserve_insertion_order = true")
        local.register("result", table)
        local.execute(csv_copy(sg.table("result"), path).sql("duckdb"))
        local.close()
        return lambda: table.num_rows
    return write


def csv_copy(rows: sge.Expression, path: Path) -> sge.Copy:
    """DuckDB's COPY of `rows` to `path`: RFC 4180 CSV with a header, quoting only where a
    value needs it, rows in the query's order."""
    return sge.Copy(this=rows, kind=False, files=[sge.Literal.string(str(path))], params=[
        sge.CopyParameter(this=sge.Var(this="HEADER")),
        sge.CopyParameter(this=sge.Var(this="DELIMITER"), expression=sge.Literal.string(","))])
