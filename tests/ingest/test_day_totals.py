"""The day totals (`_days`) that each load keeps equal the day totals of every line loaded
so far, whatever the order and grouping of the loads; and a calculation reading them gives
the same outputs, byte for byte, as one summing the lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import ibis
from hypothesis import HealthCheck, given, settings

from schemeops.engine.calc import run_calc
from schemeops.engine.data import DAYS_TABLE, RETURNS_TABLE, Data
from schemeops.engine.kpis.history import day_totals

from .conftest import SALES_HEADER, Bench
from .test_history_state import history_lines, load_batches

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"
OUTPUTS = ("payouts.csv", "kpis.csv", "components.csv", "explanations.csv")


def _days(warehouse: Path) -> tuple[list[tuple], list[tuple]]:
    """The day totals as the loads kept them, and as summed from all the lines now."""
    con = ibis.duckdb.connect(warehouse, read_only=True)
    try:
        kept = con.to_pyarrow(con.table(DAYS_TABLE)).to_pylist()
        built = con.to_pyarrow(day_totals(con.table("sales"))).to_pylist()
    finally:
        con.disconnect()
    return (sorted(tuple(r.values()) for r in kept), sorted(tuple(r.values()) for r in built))


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=history_lines())
def test_loads_one_by_one_keep_the_day_totals_of_all_lines(tmp_path_factory,
                                                            master_warehouse, lines):
    """Three loads of invoices and returns (lines loaded twice, returns before their
    invoice rejected): after each, the kept day totals equal those of all lines so far."""
    bench = Bench(tmp_path_factory.mktemp("days"), master_warehouse)
    for _ in load_batches(bench, lines):
        kept, built = _days(bench.warehouse)
        assert kept == built


def test_a_load_adds_to_the_days_it_touches(bench: Bench):
    """S1 (5 Jan, 45.50) and S2 (5 Jan, 50.00) at D1/O1: one day, 95.50, nothing returned;
    S1 loaded again is already present and adds nothing. A further load brings R1 (−45.50
    on 5 Jan, naming S1) and S3 (6 Jan, 10.00): 5 Jan becomes 95.50 − 45.50 = 50.00 with
    45.50 returned; 6 Jan is a new row of 10.00."""
    bench.load(bench.csv("sales.csv", "\n".join([
        SALES_HEADER, "S1,1,2026-01-05,D1,O1,P1,2,45.50,invoice,",
        "S2,1,2026-01-05,D1,O1,P1,5,50.00,invoice,"]) + "\n"))
    cols = "CAST(invoice_date AS VARCHAR), CAST(net_amount AS VARCHAR), " \
           "CAST(returned AS VARCHAR)"
    assert bench.rows(f"SELECT {cols} FROM {DAYS_TABLE}") == [("2026-01-05", "95.50", "0.00")]
    # the same lines again are already present: nothing is added twice
    bench.load(bench.csv("again/sales.csv", "\n".join([
        SALES_HEADER, "S1,1,2026-01-05,D1,O1,P1,2,45.50,invoice,"]) + "\n"))
    assert bench.rows(f"SELECT {cols} FROM {DAYS_TABLE}") == [("2026-01-05", "95.50", "0.00")]
    out = bench.load(bench.csv("more/sales.csv", "\n".join([
        SALES_HEADER, "R1,1,2026-01-05,D1,O1,P1,-2,-45.50,return,S1",
        "S3,1,2026-01-06,D1,O1,P1,1,10.00,invoice,"]) + "\n"))
    assert out.report.loaded
    assert bench.rows(f"SELECT {cols} FROM {DAYS_TABLE} ORDER BY invoice_date") == [
        ("2026-01-05", "50.00", "-45.50"), ("2026-01-06", "10.00", "0.00")]


def test_a_calculation_reads_the_day_totals_and_gives_the_lines_outputs(warehouse, tmp_path):
    """Every example program on a generated network: reading the recorded day totals and
    returns per day, and summing the lines (the same warehouse without them), write
    identical files."""
    con = ibis.duckdb.connect(warehouse, read_only=True)
    try:
        data = Data.from_backend(con)  # the recorded ones are read
        assert data.days is not None and data.returns is not None
    finally:
        con.disconnect()
    lines = tmp_path / "lines.duckdb"
    shutil.copy(warehouse, lines)
    with duckdb.connect(str(lines)) as c:
        c.execute(f"DROP TABLE {DAYS_TABLE}; DROP TABLE {RETURNS_TABLE}")
    programs = sorted(EXAMPLES.glob("*.yaml"))
    for wh, out in ((warehouse, tmp_path / "days"), (lines, tmp_path / "lines")):
        run_calc(programs, warehouse=wh, out=out)
    for name in OUTPUTS:
        assert (tmp_path / "days" / name).read_bytes() == (tmp_path / "lines" / name).read_bytes()


def test_day_totals_are_not_read_for_other_sales(warehouse, tmp_path):
    """A warehouse whose sales changed outside `load` (a row deleted by hand): the recorded
    day totals no longer match the sales' recorded digest, so they are not read."""
    changed = tmp_path / "changed.duckdb"
    shutil.copy(warehouse, changed)
    with duckdb.connect(str(changed)) as c:
        c.execute("DELETE FROM sales WHERE rowid = (SELECT min(rowid) FROM sales)")
    con = ibis.duckdb.connect(changed, read_only=True)
    try:
        data = Data.from_backend(con)
        assert data.days is None and data.named is None and data.returns is None
    finally:
        con.disconnect()


def test_a_load_writes_its_day_totals_in_key_order(warehouse):
    """A generated network loaded at once (its lines in no key order): `_days` holds its
    rows sorted by seller, outlet and day, as a calculation groups them."""
    with duckdb.connect(str(warehouse), read_only=True) as c:
        keys = c.execute(f"SELECT distributor_id, outlet_id, invoice_date FROM {DAYS_TABLE} "
                         "ORDER BY rowid").fetchall()
        lines = c.execute("SELECT distributor_id, outlet_id FROM sales ORDER BY rowid "
                          "LIMIT 1000").fetchall()
    assert len(keys) > 1000 and keys == sorted(keys)
    assert lines != sorted(lines)  # the order is the load's doing, not the file's
