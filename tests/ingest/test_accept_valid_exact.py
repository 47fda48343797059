"""`--accept-valid` quarantines exactly the rows it does not load, whole and verbatim: a row
with the wrong number of fields, and every line a never-closed quote swallowed, are counted
and kept (before: neither loaded nor quarantined). Fields of any length are read."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Bench, assert_reconciles, read_csv_rows
from .test_broken_inputs import sales

OK2 = "S2,1,2026-01-05,D1,O1,P1,2,20.00,invoice,"
SHORT = "S3,1,2026-01-05,D1"
OPEN_QUOTE = 'S4,1,2026-01-05,D1,O1,"P1,2,20.00,invoice,'
OK5 = "S5,1,2026-01-06,D1,O1,P1,2,20.00,invoice,"
OK6 = "S6,1,2026-01-07,D1,O1,P1,2,20.00,invoice,"


def test_unsplittable_rows_are_quarantined_verbatim_and_counted(bench: Bench):
    """Data lines 2–7: S1, S2 load; S3 has 4 fields; S4 opens a quote that never closes, so
    S5 and S6 (lines 6, 7) are read inside it: 7 − 1 header = 6 read, 2 loaded, 4 quarantined."""
    out = bench.load(bench.csv("sales.csv", sales(OK2, SHORT, OPEN_QUOTE, OK5, OK6)),
                     accept_valid=True)
    c = out.counts("sales")
    assert (c.read, c.accepted, c.rejected) == (6, 2, 4)
    assert_reconciles(out.report)
    assert sorted((p["code"], p["row"]) for p in out.problems) == [
        ("field_count", "4"), ("field_count", "5"), ("inside_quote", "6"),
        ("inside_quote", "7")]
    kept = read_csv_rows(bench.quarantine / "sales.unparsed.csv")
    assert [(r["_row"], r["_text"]) for r in kept] == [
        ("4", SHORT), ("5", OPEN_QUOTE), ("6", OK5), ("7", OK6)]
    assert all(r["_reasons"] for r in kept)


def test_a_field_of_300_kib_is_read(bench: Bench):
    """A value longer than Python's csv field limit (128 KiB) beside a broken row: read,
    reported on its own row, never a crash."""
    long = "x" * 300_000
    out = bench.load(bench.csv("sales.csv", sales(f'S2,1,2026-01-05,D1,O1,P1,2,20.00,invoice,'
                                                  f'"{long}"', SHORT)), accept_valid=True)
    assert sorted((p["code"], p["row"]) for p in out.problems) == [
        ("field_count", "4"), ("unknown_reference", "3")]
    assert_reconciles(out.report)
    assert len(out.problem("unknown_reference", 3)["value"]) <= 200


_LINE = st.sampled_from([OK2, OK5, OK6, SHORT, OPEN_QUOTE, "", "  ", '"', "a,b"])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINE, max_size=8))
def test_every_line_is_loaded_or_quarantined(bench: Bench, lines: list[str]):
    """Whatever the mix, read = loaded + rejected (+ already present), never more rows than
    non-blank lines (a quoted value may join lines into one row), and every rejected row is
    in the rejects file at a line of the file."""
    out = bench.load(bench.csv("sales.csv", sales(*lines)), accept_valid=True)
    assert_reconciles(out.report)
    c = out.counts("sales")
    assert c.read <= 1 + sum(1 for t in lines if t.strip()), (lines, c)
    rows = {int(p["row"]) for p in out.problems if p["row"]}
    assert len(rows) == c.rejected and all(2 <= r <= 2 + len(lines) for r in rows), lines


def test_excel_rows_the_reader_refuses_are_quarantined(bench: Bench):
    """An error cell (#N/A) and a formula without a saved value: their rows are counted,
    reported and kept as CSV lines of their cells in the quarantine."""
    wb = bench.xlsx("outlets.xlsx", [
        ["outlet_id", "name", "distributor_id", "created_on"],
        ["O3", "Shop Three", "D1", "2026-10-31"],
        ["O4", "#N/A", "D1", "2026-10-31"],
        ["O5", "=1+1", "D1", "2026-10-31"],
    ])
    out = bench.load(wb, accept_valid=True)
    c = out.counts("outlets")
    assert (c.read, c.accepted, c.rejected) == (3, 1, 2)
    kept = read_csv_rows(bench.quarantine / "outlets.unparsed.csv")
    assert [(r["_row"], r["_text"]) for r in kept] == [
        ("3", "O4,#N/A,D1,2026-10-31"), ("4", "O5,,D1,2026-10-31")]
