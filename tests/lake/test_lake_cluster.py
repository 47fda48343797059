"""A real Spark standalone cluster (a master and two workers, each in its own JVM, on
127.0.0.1) calculates every example program from the lake, and its output files are
byte-identical to DuckDB's on the warehouse."""

from pathlib import Path

import pytest

from schemeops.engine.backends import SparkSettings
from schemeops.engine.backends.spark import spark_session
from schemeops.engine.calc import run_calc
from schemeops.generate import generate
from schemeops.ingest import load
from schemeops.lake.write import export_lake

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "programs").glob("*.yaml"))
OUTPUTS = ("payouts.csv", "kpis.csv", "components.csv", "explanations.csv")

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Path]:
    """A generated 3,000-line network, loaded, and its lake (the cluster's time goes in
    scheduling each query's stages, not in rows)."""
    root = tmp_path_factory.mktemp("cluster")
    generate(root / "data", lines=3_000, seed=7)
    wh = root / "wh.duckdb"
    assert load([root / "data"], warehouse=wh).ok
    export_lake(wh, root / "lake")
    return wh, root / "lake"


def test_a_standalone_cluster_calculates_from_the_lake_as_duckdb_does(spark_cluster, small,
                                                                      tmp_path):
    """Both workers run executors for the driver (three executors counting the driver's),
    and every output file is DuckDB's, byte for byte."""
    wh, lake = small
    # the driver keeps schemeops' 4g: the plans of the larger programs outgrow 1g
    settings = SparkSettings(master=spark_cluster.url, conf={
        "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
        "spark.executor.memory": "512m", "spark.executor.cores": "1",
        "spark.cores.max": "2"})
    try:
        spark = run_calc(EXAMPLES, warehouse=wh, lake=lake, out=tmp_path / "spark",
                         backend="spark", spark=settings)
        session = spark_session(settings)
        assert session.sparkContext.master == spark_cluster.url
        executors = session.sparkContext._jsc.sc().getExecutorMemoryStatus().size()
    finally:
        spark_session(settings).stop()  # later tests start their own local session
    assert executors == 3
    run_calc(EXAMPLES, warehouse=wh, out=tmp_path / "duckdb")
    assert spark.manifest.backend == "spark"
    for name in OUTPUTS:
        text = (tmp_path / "duckdb" / name).read_bytes()
        assert text.count(b"\n") > 5
        assert text == (tmp_path / "spark" / name).read_bytes(), name
