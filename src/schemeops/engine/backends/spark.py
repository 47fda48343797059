"""Spark (local mode), for scale-out: the warehouse's tables, exported to Parquet, as Spark
views; queries run one by one as they are asked."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import sqlglot as sg
import sqlglot.expressions as sge

from schemeops.engine.backends.base import Adapter
from schemeops.engine.data import TABLE_NAMES

_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.driver.memory": "4g",
}


class SparkAdapter(Adapter):
    """Spark through Ibis's PySpark backend, in the process's local session."""

    name = "spark"
    ibis_name = "pyspark"

    def connect(self, warehouse: Path) -> ibis.BaseBackend:
        """See `spark_from_duckdb`."""
        return spark_from_duckdb(warehouse)

    def materialize(self, t: ir.Table) -> ir.Table:
        """`t` as a cached DataFrame. Ibis's Spark cache compiles without registering the
        in-memory tables `t` reads (the periods), so `t` becomes a view first, which does;
        the cached DataFrame holds the view's plan, so the view is dropped at once."""
        con, name = t.get_backend(), f"schemeops_{uuid.uuid4().hex}"
        cached = con.create_view(name, t).cache()
        con.drop_view(name)
        return cached

    def row_hash(self, row: ir.StructValue) -> ir.DecimalValue:
        """Spark's own row hash (a signed 32-bit number)."""
        return row.hash().cast("decimal(28,0)")


def spark_session():
    """A local Spark session configured for exact, deterministic results."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[2]").appName("schemeops")
    for key, value in _CONF.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_from_duckdb(warehouse: Path, folder: Path | None = None) -> ibis.BaseBackend:
    """An Ibis Spark connection whose views are the warehouse's contract tables (written to
    Parquet in `folder`, a new temporary folder by default)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="schemeops-spark-"))
    con = duckdb.connect(str(warehouse), read_only=True)
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
               .fetchall()}
    session = spark_session()
    for name in TABLE_NAMES:
        if name not in present:
            continue
        path = folder / f"{name}.parquet"
        con.execute(_parquet_copy(name, path).sql("duckdb"))
        session.read.parquet(str(path)).createOrReplaceTempView(name)
    con.close()
    return ibis.pyspark.connect(session)


def _parquet_copy(table: str, path: Path) -> sge.Copy:
    """DuckDB's COPY of the warehouse table `table` to the Parquet file `path`."""
    return sge.Copy(this=sg.table(table, quoted=True), kind=False,
                    files=[sge.Literal.string(str(path))],
                    params=[sge.CopyParameter(this=sge.Var(this="FORMAT"),
                                              expression=sge.Var(this="parquet"))])
