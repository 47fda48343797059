"""The Spark backend (local mode): the warehouse's tables, exported to Parquet, as Spark views."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import ibis

from schemeops.engine.data import TABLE_NAMES

_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.driver.memory": "2g",
}


def spark_session():
    """A local Spark session configured for exact, deterministic results."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[2]").appName("schemeops")
    for key, value in _CONF.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_from_duckdb(warehouse: Path, folder: Path | None = None) -> ibis.BaseBackend:
    """An Ibis Spark connection whose views are the warehouse's contract tables."""
    folder = folder or Path(tempfile.mkdtemp(prefix="schemeops-spark-"))
    con = duckdb.connect(str(warehouse), read_only=True)
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
               .fetchall()}
    session = spark_session()
    for name in TABLE_NAMES:
        if name not in present:
            continue
        path = folder / f"{name}.parquet"
        con.execute(f"COPY {name} TO '{path}' (FORMAT parquet)")
        session.read.parquet(str(path)).createOrReplaceTempView(name)
    con.close()
    return ibis.pyspark.connect(session)
