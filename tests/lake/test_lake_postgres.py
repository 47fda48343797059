"""PostgreSQL as the source: the warehouse's contract tables copied into a throw-away
cluster's database, every example program computed there, outputs byte-identical to
DuckDB's on the warehouse."""

import gc
from pathlib import Path

import duckdb
import pytest

from schemeops.engine.calc import run_calc
from schemeops.errors import UsageError
from schemeops.lake.database import copy_to_database

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "programs").glob("*.yaml"))
OUTPUTS = ("payouts.csv", "kpis.csv", "components.csv", "explanations.csv")

pytestmark = pytest.mark.postgres


def test_postgresql_computes_every_example_program_as_duckdb_does(pg_cluster, warehouse,
                                                                  tmp_path):
    url = pg_cluster.url(pg_cluster.create_database())
    copied = copy_to_database(warehouse, url)
    wh = duckdb.connect(str(warehouse), read_only=True)
    for name in ("participants", "outlets", "products", "sales", "primary_sales", "payments"):
        assert copied[name] == wh.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0
    wh.close()
    run_calc(EXAMPLES, warehouse=warehouse, out=tmp_path / "duckdb")
    pg = run_calc(EXAMPLES, warehouse=warehouse, source=url, out=tmp_path / "pg")
    assert pg.manifest.backend == "postgres"
    for name in OUTPUTS:
        text = (tmp_path / "duckdb" / name).read_bytes()
        assert text.count(b"\n") > 10
        assert text == (tmp_path / "pg" / name).read_bytes(), name
    con = pg.con
    del pg
    gc.collect()  # Ibis drops its cached tables when collected: now, while connected
    con.disconnect()


def test_a_source_that_is_not_postgresql_is_refused(tmp_path):
    with pytest.raises(UsageError, match="give postgresql://"):
        run_calc(EXAMPLES, warehouse=tmp_path / "x", source="mysql://u@h/db",
                 out=tmp_path / "o")


def test_the_postgres_backend_without_a_source_says_to_give_one(warehouse, tmp_path):
    with pytest.raises(UsageError, match="give --source postgresql://"):
        run_calc(EXAMPLES, warehouse=warehouse, backend="postgres", out=tmp_path / "o")
