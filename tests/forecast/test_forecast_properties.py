"""Invariants of the forecast's figures on random replays (DuckDB in memory):
the cost interval contains its point, and the burn by week never falls and ends at the
period's payout."""

from __future__ import annotations

from decimal import Decimal as D

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from schemeops.forecast import figures as f
from schemeops.forecast.run import _interval, _replay_of_draw

MONEY = pa.decimal128(12, 2)
cents = st.integers(min_value=0, max_value=500_000)


@st.composite
def replays(draw):
    """1–3 replays of 1–6 participants, 1–2 periods of 1–5 weeks: payouts and weekly sales
    of the scheme's products (negative: returns), some participants with none."""
    n, people, weeks = (draw(st.integers(1, 3)), draw(st.integers(1, 6)),
                        draw(st.lists(st.integers(1, 5), min_size=1, max_size=2)))
    rows, sales = [], []
    for r in range(1, n + 1):
        for p in range(people):
            for no, k in enumerate(weeks, 1):
                pay = draw(cents)
                rows.append((r, f"P{p}", no, draw(st.integers(0, 2)), pay, pay))
                for wk in range(1, k + 1):
                    if draw(st.booleans()):
                        sales.append((r, f"P{p}", no, wk,
                                      draw(st.integers(-100_000, 300_000))))
    return n, weeks, rows, sales


def _tables(rows, sales):
    r = pa.table({"replay": [x[0] for x in rows], "participant_id": [x[1] for x in rows],
                  "period_no": [x[2] for x in rows], "level": [x[3] for x in rows],
                  "payout": pa.array([D(x[4]) / 100 for x in rows], MONEY),
                  "cost": pa.array([D(x[5]) / 100 for x in rows], MONEY)})
    s = pa.table({"replay": pa.array([x[0] for x in sales], pa.int64()),
                  "participant_id": pa.array([x[1] for x in sales], pa.string()),
                  "period_no": pa.array([x[2] for x in sales], pa.int64()),
                  "week": pa.array([x[3] for x in sales], pa.int64()),
                  "value": pa.array([D(x[4]) / 100 for x in sales], MONEY),
                  "cogs": pa.array([D(0)] * len(sales), MONEY)})
    return r, s


@settings(max_examples=25, deadline=None)
@given(replays(), st.integers(0, 1000))
def test_burn_never_falls_and_ends_at_the_payout(case, _seed):
    n, weeks, rows, sales = case
    r, s = _tables(rows, sales)
    frame = pa.table({k: pa.array(v, pa.int64()) for k, v in zip(
        ("replay", "period_no", "week", "weeks"),
        zip(*[(rp, no, wk, k) for rp in range(1, n + 1) for no, k in enumerate(weeks, 1)
              for wk in range(1, k + 1)], strict=True), strict=True)})
    con = ibis.duckdb.connect()
    out = con.to_pyarrow(f.burn(ibis.memtable(r), ibis.memtable(s), ibis.memtable(frame)))
    got = {(x["period_no"], x["week"]): x["accrued"] for x in out.to_pylist()}
    for no, k in enumerate(weeks, 1):
        series = [got[(no, wk)] for wk in range(1, k + 1)]
        assert series == sorted(series)
        assert series[-1] == sum((D(x[4]) / 100 for x in rows if x[2] == no), D(0))


@settings(max_examples=25, deadline=None)
@given(replays(), st.integers(0, 1000), st.integers(20, 200))
def test_the_cost_interval_contains_its_point(case, seed, resamples):
    n, _weeks, rows, _sales = case
    r, _s = _tables(rows, [])
    draws = pa.table({"draw": pa.array(range(1, resamples + 1), pa.int64()),
                      "replay": pa.array([_replay_of_draw(seed, b, n)
                                          for b in range(1, resamples + 1)], pa.int64())})
    con = ibis.duckdb.connect()
    totals = con.to_pyarrow(f.draw_totals(ibis.memtable(r), ibis.memtable(draws),
                                          seed=seed))["total"].to_pylist()
    assert len(totals) == resamples
    point = (sum((D(x[5]) / 100 for x in rows), D(0)) / n).quantize(D("0.01"))
    low, high = _interval(totals, point)
    assert low <= point <= high
    most = f.MAX_WEIGHT * max((sum((D(x[5]) / 100 for x in rows if x[0] == k), D(0))
                               for k in range(1, n + 1)), default=D(0))
    assert D(0) <= low and high <= max(most, point)
