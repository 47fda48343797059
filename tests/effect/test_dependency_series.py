"""The dependency index per 13-week window (`index_series`, the trends by distributor page)
on the effect golden network (tests/effect_support.py): 1 January – 30 April 2026 is one
whole 13-week block (30 January – 30 April) and 29 days before it, which are not a window."""

from __future__ import annotations

import numpy as np

from effect_support import PROGRAM, write_network
from schemeops.effect.dependency import index_series, whole_blocks
from schemeops.effect.run import run_effect


def test_the_latest_window_is_the_dependency_index(tmp_path):
    (tmp_path / "p.yaml").write_text(PROGRAM)
    e = run_effect(tmp_path / "p.yaml", warehouse=write_network(tmp_path / "w.duckdb"),
                   resamples=100)
    assert whole_blocks(e.calendar) == 1
    series = index_series(e.cube, e.calendar, e.season)
    assert series.shape == (e.cube.ids.size, 1)
    # T1 19.947 and T2 12.79, worked by hand in test_effect_golden.py
    assert np.round(series[e.treated, 0], 1).tolist() == [19.9, 12.8]
    assert np.array_equal(series[:, 0], e.dependency.index, equal_nan=True)


def test_an_earlier_window_counts_only_when_whole():
    """182 days are two whole 13-week windows; 181 leave the earlier one a day short."""
    import datetime as dt

    from schemeops.effect.facts import build_calendar
    from schemeops.engine.periods import Window

    last = dt.date(2026, 10, 31)
    period = (Window(1, dt.date(2026, 10, 1), dt.date(2026, 10, 31)),)
    assert whole_blocks(build_calendar(period, last - dt.timedelta(days=181), last)) == 2
    assert whole_blocks(build_calendar(period, last - dt.timedelta(days=180), last)) == 1
    assert whole_blocks(build_calendar(period, last - dt.timedelta(days=272), last)) == 3
