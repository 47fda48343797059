"""The calculation's pause of Python's cyclic collector: process-wide, so runs that overlap
on threads (the web worker, a drill-down) share it."""

from __future__ import annotations

import gc

from schemeops.engine.calc import collector_paused


def test_overlapping_runs_keep_the_collector_off_until_the_last_one_ends():
    assert gc.isenabled()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first run ends while the second still compiles
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_turned_off_before_the_run_stays_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
