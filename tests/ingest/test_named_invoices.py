"""`load` records the invoices returns name with the sales (`_named_invoices`), which history
reads instead of scanning every invoice line; a warehouse whose sales changed after it reads
them from the lines again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import ibis

from schemeops.engine.data import NAMED_TABLE, Data

from .conftest import SALES_HEADER, Bench

LINES = [
    "S1,1,2026-01-05,D1,O1,P1,2,20.00,invoice,",
    "S1,2,2026-01-05,D1,O1,P2,1,25.50,invoice,",
    "S2,1,2026-01-06,D1,O1,P1,5,50.00,invoice,",
    "S3,1,2026-01-07,D2,O2,P1,1,10.00,invoice,",
    "R1,1,2026-02-01,D1,O1,P1,-1,-10.00,return,S1",
]


def _named(warehouse) -> list[tuple]:
    con = ibis.duckdb.connect(warehouse, read_only=True)
    named = Data.from_backend(con).named
    return None if named is None else sorted(tuple(r.values())
                                             for r in named.to_pyarrow().to_pylist())


def test_load_records_each_invoice_a_return_names_with_its_value(bench: Bench):
    """R1 names S1 (20.00 + 25.50 = 45.50 on 5 Jan at O1); S2, S3 are named by no return:
    one row."""
    out = bench.load(bench.csv("sales.csv", "\n".join([SALES_HEADER, *LINES]) + "\n"))
    assert out.report.loaded, out.problems
    assert _named(bench.warehouse) == [
        ("S1", "D1", "O1", dt.date(2026, 1, 5), Decimal("45.50"))]


def test_a_later_load_of_returns_records_the_invoices_they_name(bench: Bench):
    """The invoices come first, the return naming S2 in a second load."""
    bench.load(bench.csv("sales.csv", "\n".join([SALES_HEADER, *LINES[:4]]) + "\n"))
    assert _named(bench.warehouse) == []
    bench.load(bench.csv("more/sales.csv", SALES_HEADER
                         + "\nR3,1,2026-02-03,D1,O1,P1,-1,-10.00,return,S2\n"))
    assert _named(bench.warehouse) == [
        ("S2", "D1", "O1", dt.date(2026, 1, 6), Decimal("50.00"))]


def test_sales_changed_outside_a_load_are_read_from_the_lines(bench: Bench):
    """A line written straight into the warehouse leaves the recorded table behind: the
    engine no longer uses it (history then finds the named invoices in the lines)."""
    bench.load(bench.csv("sales.csv", "\n".join([SALES_HEADER, *LINES]) + "\n"))
    with duckdb.connect(str(bench.warehouse)) as con:
        con.execute("INSERT INTO sales VALUES ('S9', 1, DATE '2026-01-09', 'D1', 'O1', 'P1', "
                    "1, 10.00, 'invoice', NULL, NULL)")
        assert con.execute(f"SELECT count(*) FROM {NAMED_TABLE}").fetchone() == (1,)
    assert _named(bench.warehouse) is None
