"""`export_lake` on the session's generated 30k-line warehouse: every table as Parquet with
the contract's types, sales by month, one atomic pointer, nothing rewritten for unchanged data;
DuckDB calculates from the lake exactly as from the warehouse."""

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from schemeops.engine.backends import connect_lake
from schemeops.engine.calc import run_calc
from schemeops.engine.data import contract_schema
from schemeops.errors import UsageError
from schemeops.lake import lake_tables
from schemeops.lake.write import export_lake

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "programs").glob("*.yaml"))
OUTPUTS = ("payouts.csv", "kpis.csv", "components.csv", "explanations.csv")


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def test_every_table_is_written_with_its_rows_and_types_and_sales_by_month(warehouse,
                                                                            tmp_path):
    """Each table's rows are the warehouse's; sales has one month=YYYY-MM folder per month
    of invoice_date, whose files hold that month's lines only and no month column; money
    keeps its decimal precision and scale."""
    done = export_lake(warehouse, tmp_path / "lake")
    tables = lake_tables(tmp_path / "lake")
    wh = duckdb.connect(str(warehouse), read_only=True)
    for name in ("participants", "outlets", "products", "sales", "primary_sales", "payments"):
        lake_rows = _count(wh, f"SELECT count(*) FROM read_parquet('{tables[name].files}')")
        assert lake_rows == _count(wh, f"SELECT count(*) FROM {name}") > 0, name
    months = {r[0] for r in wh.execute(
        "SELECT DISTINCT strftime(invoice_date, '%Y-%m') FROM sales").fetchall()}
    folders = {p.name for p in (done.snapshot / "sales").iterdir()}
    assert folders == {f"month={m}" for m in months} and len(months) >= 6
    for m in months:
        files = str(done.snapshot / "sales" / f"month={m}" / "*.parquet")
        outside = wh.execute(f"SELECT count(*) FROM read_parquet('{files}', "
                             "hive_partitioning=false) WHERE strftime(invoice_date, '%Y-%m')"
                             f" <> '{m}'").fetchone()[0]
        assert outside == 0
    first = next((done.snapshot / "sales").glob("*/*.parquet"))
    schema = pq.read_schema(first)
    assert "month" not in schema.names
    want = contract_schema("sales").to_pyarrow()
    assert schema.field("net_amount").type == want.field("net_amount").type
    assert str(schema.field("net_amount").type) == "decimal128(18, 2)"  # the contract's
    assert schema.field("invoice_date").type == want.field("invoice_date").type


def test_export_is_idempotent_and_a_new_snapshot_replaces_the_pointer(warehouse, tmp_path):
    """Exporting the same data again writes nothing; changed data is a new snapshot that the
    pointer names, the previous one kept for readers still on it, older ones removed."""
    lake = tmp_path / "lake"
    first = export_lake(warehouse, lake)
    mtime = (first.snapshot / "products" / "part-0.parquet").stat().st_mtime_ns
    again = export_lake(warehouse, lake)
    assert not again.written and again.snapshot == first.snapshot
    assert (first.snapshot / "products" / "part-0.parquet").stat().st_mtime_ns == mtime

    changed = tmp_path / "changed.duckdb"
    shutil.copy(warehouse, changed)
    con = duckdb.connect(str(changed))
    con.execute("DELETE FROM payments WHERE payment_id IN (SELECT min(payment_id) FROM payments)")
    con.close()
    second = export_lake(changed, lake)
    assert second.written and second.snapshot != first.snapshot
    assert json.loads((lake / "lake.json").read_text())["snapshot"] == second.snapshot.name
    assert first.snapshot.is_dir()  # the previous snapshot stays
    con = duckdb.connect(str(changed))
    con.execute("DELETE FROM payments WHERE payment_id IN (SELECT min(payment_id) FROM payments)")
    con.close()
    third = export_lake(changed, lake)
    assert sorted(p.name for p in lake.iterdir()) == sorted(
        ["lake.json", second.snapshot.name, third.snapshot.name])


def test_an_empty_sales_table_reads_as_empty_with_its_columns(warehouse, tmp_path):
    """A partitioned COPY of no rows writes no file; the lake keeps one empty file instead,
    so a reader still finds the table and its columns."""
    empty = tmp_path / "empty.duckdb"
    shutil.copy(warehouse, empty)
    con = duckdb.connect(str(empty))
    con.execute("DELETE FROM sales")
    con.close()
    export_lake(empty, tmp_path / "lake")
    sales = connect_lake(tmp_path / "lake").table("sales")
    assert sales.count().to_pyarrow().as_py() == 0
    assert sales.schema() == duckdb_schema(warehouse, "sales")


def duckdb_schema(warehouse: Path, name: str):
    """The warehouse table's Ibis schema."""
    import ibis

    return ibis.duckdb.connect(str(warehouse), read_only=True).table(name).schema()


def test_duckdb_calculates_from_the_lake_as_from_the_warehouse(warehouse, tmp_path):
    """Every example program: the same bytes in every output file, the same fingerprint (the
    lake carries the digests the load recorded)."""
    export_lake(warehouse, tmp_path / "lake")
    a = run_calc(EXAMPLES, warehouse=warehouse, out=tmp_path / "wh")
    b = run_calc(EXAMPLES, warehouse=tmp_path / "absent.duckdb", lake=tmp_path / "lake",
                 out=tmp_path / "lake_out")
    for name in OUTPUTS:
        text = (tmp_path / "wh" / name).read_bytes()
        assert text.count(b"\n") > 10
        assert text == (tmp_path / "lake_out" / name).read_bytes(), name
    assert a.manifest.data_fingerprint == b.manifest.data_fingerprint


def test_what_is_not_a_lake_is_refused(tmp_path):
    """A missing folder, a folder without the pointer, or one holding other files."""
    with pytest.raises(UsageError, match="no lake at"):
        lake_tables(tmp_path / "nothing")
    with pytest.raises(UsageError, match="not a lake"):
        lake_tables(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="other files"):
        export_lake(tmp_path / "wh.duckdb", tmp_path)
    (tmp_path / "lake.json").write_text('{"something": "else"}')
    with pytest.raises(UsageError, match="not a schemeops lake"):
        lake_tables(tmp_path)
