"""Windows known when compiling (`dated_in`: a filter and a CASE) give the rows that a range
join with a table of the same windows gives, for windows that overlap or not; `summed_in`
(a filter per window when they overlap) gives the sums of that join."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from schemeops.engine.kpis._common import dated_in, in_windows, summed_in
from schemeops.engine.periods import Window, known_windows, windows_table

DAY0 = dt.date(2026, 1, 1)


@st.composite
def windows(draw) -> tuple[Window, ...]:
    """1–4 windows of 1–20 days within 60 days; overlapping in about half the draws."""
    out = []
    for no in range(1, draw(st.integers(1, 4)) + 1):
        start = DAY0 + dt.timedelta(days=draw(st.integers(0, 50)))
        out.append(Window(no, start, start + dt.timedelta(days=draw(st.integers(0, 19)))))
    return tuple(out)


def _unknown(wins: tuple[Window, ...]):
    """The windows as a table of data (w_start, w_end), which `in_windows` must join."""
    t = ibis.memtable(pa.table({"period_no": pa.array([w.no for w in wins], pa.int64()),
                                "w_start": pa.array([w.start for w in wins], pa.date32()),
                                "w_end": pa.array([w.end for w in wins], pa.date32())}))
    assert known_windows(t) is None
    return t


def _rows(con, t) -> list[tuple]:
    t = t.select("id", "day", "period_no", "w_start", "w_end")
    return sorted(tuple(r.values()) for r in con.to_pyarrow(t).to_pylist())


@settings(max_examples=60, deadline=None)
@given(wins=windows(), days=st.lists(st.integers(-5, 75), max_size=30))
def test_known_windows_give_the_rows_and_sums_of_the_range_join(wins, days):
    con = ibis.duckdb.connect()
    t = ibis.memtable(pa.table({
        "id": pa.array(range(len(days)), pa.int64()),
        "day": pa.array([DAY0 + dt.timedelta(days=d) for d in days], pa.date32())}))
    joined = in_windows(t, "day", _unknown(wins))
    want = _rows(con, joined)
    assert _rows(con, dated_in(t, "day", wins)) == want
    sums = joined.group_by(["period_no"]).agg(actual=joined.id.sum())
    got = summed_in(t.mutate(by=ibis.literal("x")), "day", windows_table(wins), "by", "id")
    assert sorted(con.to_pyarrow(got.select("period_no", "actual")).to_pylist(),
                  key=str) == sorted(con.to_pyarrow(sums).to_pylist(), key=str)


def test_one_window_is_a_filter_with_its_number():
    """Rows on 31 Dec, 1 Jan and 31 Jan, 1 Feb; January (period 1) keeps the middle two."""
    con = ibis.duckdb.connect()
    t = ibis.memtable({"id": [1, 2, 3, 4], "day": [dt.date(2025, 12, 31), dt.date(2026, 1, 1),
                                                  dt.date(2026, 1, 31), dt.date(2026, 2, 1)]})
    jan = Window(1, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert _rows(con, dated_in(t, "day", (jan,))) == [
        (2, jan.start, 1, jan.start, jan.end), (3, jan.end, 1, jan.start, jan.end)]
