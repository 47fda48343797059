"""DuckDB, the embedded default: the warehouse file read in place, its row hash, and the
calculation's queries run on worker threads while the caller compiles the next.

Ibis compiles in Python (one core); DuckDB executes on its own threads. A `Background` takes
each query as soon as it is compiled and runs it, in order, on a cursor of the same database,
so that compiling one program overlaps executing the one before; the fingerprint, which reads
the warehouse alone, runs on a second cursor beside them and fills the gaps. Materialised
tables live in an in-memory database attached for the run, which every cursor sees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa
import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.duckdb import DuckDBCompiler
from sqlglot.dialects import duckdb as sg_duckdb

from schemeops.engine.backends.base import Adapter, csv_copy, memory_size
from schemeops.engine.exact import as_dec, dec

if TYPE_CHECKING:
    from schemeops.engine.backends.spark import SparkSettings
    from schemeops.lake import LakeTable


class DuckDBAdapter(Adapter):
    """DuckDB: the warehouse file itself, read-only."""

    name = "duckdb"
    ibis_name = "duckdb"

    def connect(self, warehouse: Path, *, spark: SparkSettings | None = None
                ) -> ibis.BaseBackend:
        """The warehouse file, opened read-only."""
        return ibis.duckdb.connect(str(warehouse), read_only=True)

    def connect_lake(self, tables: Mapping[str, LakeTable], *,
                     spark: SparkSettings | None = None) -> ibis.BaseBackend:
        """An in-memory database whose views read the lake's Parquet files (the partition
        folders' names are not read as a column: the table's own columns are the data).
        The views are the database's, not temporary: the run's cursors read them too."""
        con = ibis.duckdb.connect()
        for t in tables.values():
            files = sge.func("read_parquet", sge.Literal.string(t.files),
                             sg.to_identifier("hive_partitioning").eq(sge.false()))
            view = sge.Create(kind="VIEW", this=sg.table(t.name, quoted=True),
                              expression=sg.select(sge.Star()).from_(files))
            con.raw_sql(view.sql("duckdb"))
        return con

    def cap_memory(self, con: ibis.BaseBackend, limit: str) -> None:
        """DuckDB's `memory_limit` for the database `con` opened (its cursors share it);
        beyond it DuckDB spills to its temporary folder."""
        con.con.execute(f"SET memory_limit = '{memory_size(limit)}'")  # digits and a unit

    def materialize(self, t: ir.Table) -> ir.Table:
        """`t` as a temporary table."""
        return t.cache()

    def row_hash(self, row: ir.StructValue) -> ir.DecimalValue:
        """DuckDB's unsigned HASH read as signed arithmetically: Ibis's generic hash goes
        through a BIT string, which costs more than the hash."""
        h = _duckdb_hash(row).cast("decimal(28,0)")
        return as_dec(ibis.ifelse(h >= dec(2**63), h - dec(2**64), h), 0)

    def table_rows(self, con: ibis.BaseBackend, name: str, *, columns: Sequence[str]
                   ) -> list[tuple] | None:
        """Read with DuckDB's own API, without Ibis's catalog lookups (the fingerprint's
        digests are a run's first query)."""
        query = sg.select(*(sg.column(c, quoted=True) for c in columns)).from_(
            sg.table(name, quoted=True))
        try:
            return con.con.execute(query.sql("duckdb")).fetchall()
        except duckdb.CatalogException:
            return None

    def executor(self, con: ibis.BaseBackend) -> Background:
        """Worker threads overlapping execution with compilation."""
        return Background(con)


@ibis.udf.scalar.builtin(name="hash")
def _duckdb_hash(value) -> dt.uint64:
    """DuckDB's HASH, an unsigned 64-bit number."""


#: sqlglot's own DuckDB type writer, which parses the name "array" for every type it writes.
_TYPE_SQL = sg_duckdb.DuckDB.Generator.TRANSFORMS[sge.DataType]
_SPECIAL_TYPES = {sge.DataType.Type.ARRAY, sge.DataType.Type.TIME, sge.DataType.Type.TIMETZ,
                  sge.DataType.Type.TIMESTAMPTZ}


def _datatype_sql(gen: sg_duckdb.DuckDB.Generator, e: sge.DataType) -> str:
    """sqlglot's DuckDB type SQL: its own writer for the types it treats apart, the generic
    one (the same SQL, less work) for the others."""
    if e.this in _SPECIAL_TYPES:
        return _TYPE_SQL(gen, e)
    return gen.datatype_sql(e)


class _DuckDB(sg_duckdb.DuckDB):
    """DuckDB's dialect, writing the same SQL as sqlglot's with less work per data type."""

    class Generator(sg_duckdb.DuckDB.Generator):
        TRANSFORMS: ClassVar = {**sg_duckdb.DuckDB.Generator.TRANSFORMS,
                                sge.DataType: _datatype_sql}


class Compiler(DuckDBCompiler):
    """Ibis's DuckDB compiler, writing the same SQL without deep-copying joined subqueries."""

    def visit_JoinReference(self, op: ops.JoinReference, *, parent: sge.Expression,
                            identifier: int) -> sge.Expression:
        """The joined relation's query. Ibis hands on its aliased subquery, which the
        translation then re-aliases by a deep copy (about a fifth of Ibis's time on a run's
        queries); a subquery has this one user (a relation used twice becomes a CTE, read by
        name) unless it is a view's, so its query is handed on instead, aliased in place."""
        if isinstance(parent, sge.Subquery) and not isinstance(op.parent, ops.SelfReference):
            return parent.this
        return parent


class Background:
    """An `Executor` of worker threads: a main lane, in submission order, and a side lane
    for reads of the warehouse alone (the fingerprint)."""

    def __init__(self, con: ibis.BaseBackend) -> None:
        self._con = con
        self._compiler = Compiler()
        self._db = ibis.util.gen_name("scratch")
        con.raw_sql(sge.Attach(this=sge.Alias(this=sge.Literal.string(":memory:"),
                                              alias=sg.to_identifier(self._db)),
                               expressions=[sge.AttachOption(this=sge.Var(this="READ_WRITE"))]))
        self._main, self._side = _Lane(con), _Lane(con)

    def materialize(self, t: ir.Table) -> ir.Table:
        """`t` computed once into a table of the run's database; returned before it is done
        (so the table is named directly, not looked up in the catalog)."""
        name = ibis.util.gen_name("table")
        target = sg.table(name, db="main", catalog=self._db, quoted=True)
        schema = t.schema()
        create = sge.Create(kind="TABLE", this=sge.Schema(
            this=target, expressions=schema.to_sqlglot_column_defs("duckdb")))
        columns = [sg.to_identifier(c, quoted=True) for c in t.columns]
        insert = sge.Insert(this=sge.Schema(this=target, expressions=columns),
                            expression=self._compiler.to_sqlglot(t))
        self._main.submit(t, [create.sql(_DuckDB, copy=False),
                              insert.sql(_DuckDB, copy=False)], fetch=False)
        return ops.DatabaseTable(name, schema=schema, source=self._con, namespace=ops.Namespace(
            catalog=self._db, database="main")).to_expr()

    def stage(self, t: ir.Table) -> ir.Table:
        """`t` itself: the query reading it computes it (writing 1M rows of explanations
        into a table and reading them back cost 12 % of a 500k-participant calc's CPU)."""
        return t

    def read_warehouse(self, t: ir.Table) -> Callable[[], pa.Table]:
        """`t`'s result as Arrow (as DuckDB gives it), from the side lane: `t` must read the
        warehouse's tables only, none that `materialize` makes."""
        job = self._side.submit(t, [self._con.compile(t)], fetch=True)
        return lambda: self._side.result(job)

    def fetch(self, t: ir.Table) -> Callable[[], pa.Table]:
        """`t`'s result as Arrow, as DuckDB gives it, once the main lane gets to it (without
        Ibis's conversion, whose module imports pandas: a second at a calculation's end)."""
        job = self._main.submit(t, [self._compiler.to_sqlglot(t).sql(_DuckDB, copy=False)],
                                fetch=True)
        return lambda: self._main.result(job)

    def write_csv(self, t: ir.Table, path: Path) -> Callable[[], int]:
        """Write `t`'s rows to `path` as CSV (see `csv_copy`) once the main lane gets to it;
        the returned function gives the number of rows."""
        copy = csv_copy(sge.Subquery(this=self._compiler.to_sqlglot(t)), path)
        job = self._main.submit(t, [copy.sql(_DuckDB, copy=False)], fetch=True)
        return lambda: self._main.result(job).column(0)[0].as_py()

    def close(self) -> None:
        """Stop the workers: the queries running finish, those not started are dropped."""
        self._main.close()
        self._side.close()


class _Lane:
    """A cursor of the connection and one thread running its queries in submission order."""

    def __init__(self, con: ibis.BaseBackend) -> None:
        self._cur = con.con.cursor()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schemeops-duckdb")
        self._registered: set[str] = set()
        self._jobs: list[Future] = []

    def submit(self, t: ir.Table, statements: list[str], *, fetch: bool) -> Future:
        """Queue `statements` (compiled from `t`, whose in-memory tables are registered on
        this cursor first: the statements name them)."""
        memtables = {op.name: op.data.to_pyarrow(op.schema)
                     for op in t.op().find(ops.InMemoryTable) if op.name not in self._registered}
        self._registered |= memtables.keys()
        job = self._pool.submit(self._run, memtables, statements, fetch)
        self._jobs.append(job)
        return job

    def result(self, job: Future) -> pa.Table:
        """`job`'s result, raising the first failure of it or of any query before it."""
        for earlier in self._jobs[:self._jobs.index(job)]:
            earlier.result()
        return job.result()

    def close(self) -> None:
        """Stop the worker: the query running finishes, those not started are dropped."""
        self._pool.shutdown(cancel_futures=True)
        self._cur.close()

    def _run(self, memtables: dict[str, pa.Table], statements: list[str], fetch: bool
             ) -> pa.Table | None:
        for name, data in memtables.items():
            self._cur.register(name, data)
        for sql in statements:
            self._cur.execute(sql)
        return self._cur.fetch_arrow_table() if fetch else None
