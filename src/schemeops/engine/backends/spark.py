"""Spark, for scale-out: in local mode, or on a cluster (standalone, YARN, Kubernetes) named by
`SparkSettings`. The tables are a lake's Parquet files read in place, or the warehouse's tables
exported to Parquet, as Spark views; queries run one by one as they are asked."""

from __future__ import annotations

import tempfile
import tomllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import ibis
import ibis.expr.types as ir
import sqlglot as sg
import sqlglot.expressions as sge

from schemeops.engine.backends.base import Adapter
from schemeops.engine.data import TABLE_NAMES
from schemeops.errors import UsageError

if TYPE_CHECKING:
    from schemeops.lake import LakeTable

#: Settings every session gets unless told otherwise; the first four keep results exact and
#: the same on every run, so a configuration that changes them changes the outputs.
_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "4g",
}


@dataclass(frozen=True)
class SparkSettings:
    """Where Spark runs (`master`: local[N], spark://host:port, yarn, k8s://…) and the Spark
    settings laid over schemeops' defaults."""

    master: str = "local[2]"
    conf: Mapping[str, str] = field(default_factory=dict)

    def session_conf(self) -> dict[str, str]:
        """schemeops' defaults with these settings over them."""
        return {**_CONF, **self.conf}


def spark_settings(*, config: Path | None = None, master: str | None = None,
                   conf: list[str] | None = None) -> SparkSettings:
    """Settings from a TOML file's `[spark]` table (`master`, and `[spark.conf]` pairs), with
    `master` and `conf` ("key=value" each) from the command line over them."""
    base: dict = {}
    if config is not None:
        try:
            base = tomllib.loads(config.read_text()).get("spark", {})
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise UsageError(f"cannot read the Spark config {config}: {e}") from None
        if not isinstance(base, dict) or not isinstance(base.get("conf", {}), dict):
            raise UsageError(f"{config}: [spark] must be a table with `master` and a "
                             "[spark.conf] table of settings")
    pairs = {str(k): str(v) for k, v in base.get("conf", {}).items()}
    for item in conf or ():
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise UsageError(f"--spark-conf {item!r}: write KEY=VALUE, e.g. "
                             "spark.executor.memory=4g")
        pairs[key.strip()] = value.strip()
    return SparkSettings(master=master or str(base.get("master", "local[2]")), conf=pairs)


class SparkAdapter(Adapter):
    """Spark through Ibis's PySpark backend, in the process's session."""

    name = "spark"
    ibis_name = "pyspark"

    def connect(self, warehouse: Path, *, spark: SparkSettings | None = None
                ) -> ibis.BaseBackend:
        """See `spark_from_duckdb`."""
        return spark_from_duckdb(warehouse, settings=spark)

    def connect_lake(self, tables: Mapping[str, LakeTable], *,
                     spark: SparkSettings | None = None) -> ibis.BaseBackend:
        """Views over the lake's contract tables, read in place (Spark finds the month
        partitions and adds their column, which is dropped: the table's own columns are the
        data)."""
        session = spark_session(spark)
        for t in tables.values():
            if t.name not in TABLE_NAMES:
                continue  # DuckDB's bookkeeping: Spark hashes with its own function
            frame = session.read.parquet(str(t.folder))
            if t.partition is not None:
                frame = frame.drop(t.partition)
            frame.createOrReplaceTempView(t.name)
        return ibis.pyspark.connect(session)

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


def spark_session(settings: SparkSettings | None = None):
    """A Spark session on `settings`' master (local[2] by default), configured for exact,
    deterministic results. The process's session is reused when it runs on that master and
    stopped first when it runs elsewhere (a process has one Spark context)."""
    from pyspark.sql import SparkSession

    settings = settings or SparkSettings()
    active = SparkSession.getActiveSession()
    if active is not None and active.sparkContext.master != settings.master:
        active.stop()
    builder = SparkSession.builder.master(settings.master).appName("schemeops")
    for key, value in settings.session_conf().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_from_duckdb(warehouse: Path, folder: Path | None = None, *,
                      settings: SparkSettings | None = None) -> ibis.BaseBackend:
    """An Ibis Spark connection whose views are the warehouse's contract tables (written to
    Parquet in `folder`, a new temporary folder by default: local mode only, as a cluster's
    executors cannot see it; a cluster reads a lake)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="schemeops-spark-"))
    con = duckdb.connect(str(warehouse), read_only=True)
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
               .fetchall()}
    session = spark_session(settings)
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
