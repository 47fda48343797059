"""Each load records a table's digest as the digest recorded before plus its own rows', and
keeps the named invoices from the history's invoices: they equal what hashing and reading
every row of the warehouse gives (over random loads: `test_history_state.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import ibis

from schemeops.engine.data import NAMED_TABLE, RETURNS_TABLE
from schemeops.engine.fingerprint import hashed_and_recorded
from schemeops.engine.kpis.history import named_invoices, returns_by_day

from .conftest import SALES_HEADER, Bench


def recorded_and_built(warehouse) -> tuple[list, list]:
    """The named invoices and returns as the loads recorded them, and from every line."""
    con = ibis.duckdb.connect(warehouse, read_only=True)
    try:
        sales = con.table("sales")
        built = (named_invoices(sales), returns_by_day(sales))
        rows = [sorted(tuple(r.values()) for r in con.to_pyarrow(t).to_pylist())
                for t in (con.table(NAMED_TABLE), con.table(RETURNS_TABLE), *built)]
        return rows[:2], rows[2:]
    finally:
        con.disconnect()


def fingerprints(warehouse) -> tuple[str, str]:
    con = ibis.duckdb.connect(warehouse, read_only=True)
    try:
        return hashed_and_recorded(con)
    finally:
        con.disconnect()


def test_a_table_whose_columns_came_in_another_order_is_digested_as_it_is(bench: Bench):
    """A warehouse made before `entered_on` existed has it last, after `ref_invoice_id`;
    the load's rows are hashed in the table's order, so the digest is still every row's."""
    with duckdb.connect(str(bench.warehouse)) as con:
        con.execute("ALTER TABLE sales DROP COLUMN entered_on")
    lines = ["S1,1,2026-01-05,D1,O1,P1,2,20.00,invoice,",
             "R1,1,2026-02-01,D1,O1,P1,-1,-10.00,return,S1"]
    for i, line in enumerate(lines):
        out = bench.load(bench.csv(f"b{i}/sales.csv", f"{SALES_HEADER}\n{line}\n"))
        assert out.report.loaded, out.problems
        hashed, recorded = fingerprints(bench.warehouse)
        assert recorded == hashed


def test_named_invoices_kept_through_later_loads_of_their_month(bench: Bench):
    """Load 1: S1 (20.00 on 5 Jan at D1/O1) and R1 returning 5.00 of it on 10 Jan. Load 2:
    S2, another invoice of D1/O1 in January (its month's keys are recomputed): S1 is still
    named, by R1 of load 1. Load 3: a second line of S1 (10.00) and R2 returning 2.00 of it
    on 10 Jan: S1 is worth 20.00 + 10.00 = 30.00, returned 5.00 + 2.00 = 7.00 that day."""
    def load(name: str, *lines: str) -> None:
        out = bench.load(bench.csv(f"{name}/sales.csv", "\n".join([SALES_HEADER, *lines]) + "\n"))
        assert out.report.loaded, out.problems

    load("b1", "S1,1,2026-01-05,D1,O1,P1,2,20.00,invoice,",
         "R1,1,2026-01-10,D1,O1,P1,-1,-5.00,return,S1")
    load("b2", "S2,1,2026-01-20,D1,O1,P1,3,30.00,invoice,")
    (named, returns), built = recorded_and_built(bench.warehouse)
    assert named == [("S1", "D1", "O1", dt.date(2026, 1, 5), Decimal("20.00"))]
    assert returns == [("S1", dt.date(2026, 1, 10), Decimal("-5.00"))]
    assert [named, returns] == built
    load("b3", "S1,2,2026-01-05,D1,O1,P2,1,10.00,invoice,",
         "R2,1,2026-01-10,D1,O1,P1,-1,-2.00,return,S1")
    (named, returns), built = recorded_and_built(bench.warehouse)
    assert named == [("S1", "D1", "O1", dt.date(2026, 1, 5), Decimal("30.00"))]
    assert returns == [("S1", dt.date(2026, 1, 10), Decimal("-7.00"))]
    assert [named, returns] == built
