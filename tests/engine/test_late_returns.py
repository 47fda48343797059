"""Golden cases for `returns: {until_days: N}`: late returns count against their invoice's
period, exactly once. Expected numbers worked out by hand in each docstring, on DuckDB and
on Spark (`wh2`). Default test network (see conftest): distributors D1, D2, D3.
"""

import datetime as dt
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payout_support import run

JUNE_JULY = """id: r
name: R
period:
  start: 2026-06-01
  end: 2026-06-30
  recurrence: {every_months: 1, count: 2}
kpis:
  - {id: sales, kind: volume}
components:
  - id: bonus
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0}
      - {from: 100000, rate: 0.02}
returns: {until_days: 30}
"""


def _stuffed_june(wh):
    """D1 bills 120,000 on 29 June (invoice S1) and 30,000 in July; 40,000 of S1 comes back
    on 20 July (day 20 of the window). D2 bills 110,000 on 28 June (S2); 20,000 of it comes
    back on 31 July (day 31 after 30 June: outside the window)."""
    wh.sale("S1", "2026-06-29", "D1", "O1", "A1", "12", "120000.00")
    wh.sale("T1", "2026-07-05", "D1", "O1", "A1", "3", "30000.00")
    wh.ret("R1", "2026-07-20", "D1", "O1", "A1", "-4", "-40000.00", ref="S1")
    wh.sale("S2", "2026-06-28", "D2", "O5", "A1", "11", "110000.00")
    wh.ret("R2", "2026-07-31", "D2", "O5", "A1", "-2", "-20000.00", ref="S2")


def test_july_returns_within_30_days_reduce_june_once(wh2):
    """2 % of the whole month's sales once they reach 100,000, else 0.
    D1, June: 120,000 − 40,000 (returned 20 July, within 30 days of 30 June) = 80,000 <
    100,000 → June pays 0 (without the window: 120,000 → 2,400.00). July: 30,000 only; the
    return is not netted a second time (else −10,000) → 0, and kpis show 30000.00.
    D2, June: 110,000 → 2,200.00: the return of 31 July is day 31, not counted against
    June; it nets in July on its own date: −20,000 → 0."""
    _stuffed_june(wh2)
    out = run(JUNE_JULY, wh2)
    assert out.payout("D1", "2026-06-01") == D("0.00")
    assert _actual(out, "D1", "2026-06-01") == "80000.00"
    assert _actual(out, "D1", "2026-07-01") == "30000.00"
    assert out.payout("D2", "2026-06-01") == D("2200.00")
    assert _actual(out, "D2", "2026-06-01") == "110000.00"
    assert _actual(out, "D2", "2026-07-01") == "-20000.00"


def test_without_the_option_returns_count_on_their_own_date(wh2):
    """The same data without `returns:`: June pays 2 % of 120,000 = 2,400.00 to D1 (the
    stuffer keeps June's bonus) and July nets 30,000 − 40,000 = −10,000."""
    _stuffed_june(wh2)
    out = run(JUNE_JULY.replace("returns: {until_days: 30}\n", ""), wh2)
    assert out.payout("D1", "2026-06-01") == D("2400.00")
    assert _actual(out, "D1", "2026-07-01") == "-10000.00"


def test_a_run_inside_the_window_sees_what_has_arrived(wh2):
    """Calculated as of 15 July, the 20 July return has not happened: D1's June is
    120,000 → 2,400.00; calculated after the window (no as-of) it is 0 (above)."""
    _stuffed_june(wh2)
    out = run(JUNE_JULY, wh2, as_of=dt.date(2026, 7, 15))
    assert out.payout("D1", "2026-06-01") == D("2400.00")


def test_a_return_booked_at_another_outlet_counts_against_its_invoice(wh2):
    """A late return of D1's June invoice S1 booked by D2 (outlet O5) counts against D1's
    June (the invoice's seller), not D2's July: D1 June 120,000 − 30,000 = 90,000 → 0;
    D2 July: 0 sales → kpi 0.00."""
    wh2.sale("S1", "2026-06-29", "D1", "O1", "A1", "12", "120000.00")
    wh2.ret("R1", "2026-07-10", "D2", "O5", "A1", "-3", "-30000.00", ref="S1")
    out = run(JUNE_JULY, wh2)
    assert _actual(out, "D1", "2026-06-01") == "90000.00"
    assert _actual(out, "D2", "2026-07-01") == "0.00"


def _actual(out, pid: str, start: str) -> str:
    rows = [r for r in out.kpis if r["participant_id"] == pid and r["kpi"] == "sales"
            and r["period_start"] == dt.date.fromisoformat(start)]
    assert len(rows) == 1, rows
    return rows[0]["actual"]


HOLDBACK = JUNE_JULY.replace("returns: {until_days: 30}\n", "returns: {until_days: 30}\n"
                             "holdback: {rate: 0.25, release_after_days: 30}\n")


def test_holdback_is_paid_after_the_window(wh2):
    """2 % from 100,000; 25 % of each period's payout held until 30 days after its end.
    D2 bills 110,000 on 28 June → June earns 2,200.00. As of 15 July (release 30 July):
    holdback −550.00 (25 % of 2,200.00), June pays 1,650.00. As of 31 July the release row
    +550.00 is beside it: June pays 2,200.00. July (D2 sells nothing) holds nothing."""
    wh2.sale("S2", "2026-06-28", "D2", "O5", "A1", "11", "110000.00")
    early = run(HOLDBACK, wh2, as_of=dt.date(2026, 7, 15))
    assert early.payout("D2", "2026-06-01") == D("1650.00")
    row = early.component("D2", "holdback", "2026-06-01")
    assert row["amount"] == "-550.00"
    assert row["note"] == "held until 2026-07-30 (the returns window): 25 % of 2200.00"
    assert not [r for r in early.components if r["component"] == "holdback_release"]
    late = run(HOLDBACK, wh2, as_of=dt.date(2026, 7, 31))
    assert late.payout("D2", "2026-06-01") == D("2200.00")
    assert late.component("D2", "holdback_release", "2026-06-01")["note"] == (
        "released on 2026-07-30: the holdback of period 1")
    assert late.payout("D2", "2026-07-01") == D("0.00")


SETTINGS = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
THREE_MONTHS = JUNE_JULY.replace("count: 2", "count: 3")


@SETTINGS
@given(bills=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 9_999_999),
                                st.integers(0, 100), st.integers(0, 91)),
                      min_size=1, max_size=6),
       until=st.integers(1, 60))
def test_each_return_reduces_exactly_one_period(make_warehouse, bills, until):
    """Invoices on June–July days and a return of part of each (0–100 %) some days later,
    all inside June–August: with any window the three months' volumes add up to the same
    total as without it (a return is moved, never counted twice or lost), and no period's
    volume is higher with the window than the same period's sales before returns."""
    wh = make_warehouse()
    june = dt.date(2026, 6, 1)
    for i, (day_, paise, share, later) in enumerate(bills):
        on = june + dt.timedelta(days=day_)
        back = min(on + dt.timedelta(days=later), dt.date(2026, 8, 31))
        amount = D(paise) / 100
        wh.sale(f"S{i}", on.isoformat(), "D1", "O1", "A1", "1", f"{amount:.2f}")
        part = (amount * share / 100).quantize(D("0.01"))
        if part:
            wh.ret(f"R{i}", back.isoformat(), "D1", "O1", "A1", "-1", f"{-part:.2f}",
                   ref=f"S{i}")
    plain_ = run(THREE_MONTHS.replace("returns: {until_days: 30}\n", ""), wh)
    moved = run(THREE_MONTHS.replace("until_days: 30", f"until_days: {until}"), wh)
    starts = ("2026-06-01", "2026-07-01", "2026-08-01")
    assert sum(D(_actual(moved, "D1", s)) for s in starts) == sum(
        D(_actual(plain_, "D1", s)) for s in starts)
    for s in starts:
        start = dt.date.fromisoformat(s)
        billed = sum((D(p) / 100 for d, p, _, _ in bills
                      if (june + dt.timedelta(days=d)).month == start.month), D(0))
        assert D(_actual(moved, "D1", s)) <= billed


@SETTINGS
@given(bills=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 9_999_999),
                                st.integers(0, 100), st.integers(0, 91), st.booleans()),
                      min_size=1, max_size=6),
       until=st.integers(1, 60))
def test_day_totals_moving_only_the_late_returns_equal_the_moved_lines_summed(
        make_warehouse, bills, until):
    """`moved_daily` (the run's day totals, each late return taken off its own day and
    added to its invoice's, as more rows of those days) sums per day to the day totals
    summed again from `moved_sales` on every day with a non-zero net; the only extra days
    are days left with no line (net 0). Some returns are booked at another outlet of the
    seller."""
    from schemeops.engine.data import daily_net
    from schemeops.engine.late_returns import late_amounts, moved_daily, moved_sales
    from schemeops.engine.periods import Window

    wh = make_warehouse()
    june = dt.date(2026, 6, 1)
    for i, (day_, paise, share, later, elsewhere) in enumerate(bills):
        on = june + dt.timedelta(days=day_)
        back = min(on + dt.timedelta(days=later), dt.date(2026, 8, 31))
        amount = D(paise) / 100
        wh.sale(f"S{i}", on.isoformat(), "D1", "O1", "A1", "1", f"{amount:.2f}")
        part = (amount * share / 100).quantize(D("0.01"))
        if part:
            wh.ret(f"R{i}", back.isoformat(), "D1", "O2" if elsewhere else "O1", "A1", "-1",
                   f"{-part:.2f}", ref=f"S{i}")
    data = wh.data()
    windows = (Window(1, dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
               Window(2, dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
               Window(3, dt.date(2026, 8, 1), dt.date(2026, 8, 31)))

    def days(t):
        return {(r["distributor_id"], r["outlet_id"], r["invoice_date"]): r["net_amount"]
                for r in t.to_pyarrow().to_pylist()}

    summed = days(daily_net(moved_sales(data.sales, windows, until)))
    fast = days(daily_net(moved_daily(data.daily, late_amounts(data.sales, windows, until))))
    assert {k: v for k, v in fast.items() if v != 0} == {
        k: v for k, v in summed.items() if v != 0}
    assert all(fast[k] == 0 for k in fast.keys() - summed.keys())


OUTLETS_THREE_MONTHS = THREE_MONTHS.replace(
    "  - {id: sales, kind: volume}\n",
    "  - {id: sales, kind: volume}\n  - {id: outlets, kind: billed_outlets, min_value: 1000}\n")


@SETTINGS
@given(bills=st.lists(st.tuples(st.integers(0, 91), st.integers(1, 500_000),
                                st.integers(0, 100), st.integers(0, 60),
                                st.sampled_from(["O1", "O2", "O3"])),
                      min_size=1, max_size=8),
       until=st.integers(1, 45))
def test_outlets_from_the_facts_with_the_late_returns_equal_the_moved_lines(
        make_warehouse, bills, until):
    """Outlets billed at least 1,000 in June, July and August, with late returns counted
    against their invoice's month: a run's per-outlet facts with the late returns added to
    their net values (`moved_facts`) count the outlets that the moved lines count, and the
    volumes agree. Bills at three outlets of D1; returns naming them 0–60 days later."""
    from dataclasses import replace

    from schemeops.engine.calc import calculate
    from schemeops.engine.runner import calculate_program
    from schemeops.program.parse import parse_located

    wh = make_warehouse()
    june = dt.date(2026, 6, 1)
    for i, (day_, paise, share, later, outlet) in enumerate(bills):
        on = june + dt.timedelta(days=day_)
        amount = D(paise) / 100
        wh.sale(f"S{i}", on.isoformat(), "D1", outlet, "A1", "1", f"{amount:.2f}")
        part = (amount * share / 100).quantize(D("0.01"))
        if part:
            back = on + dt.timedelta(days=later)
            wh.ret(f"R{i}", back.isoformat(), "D1", outlet, "A1", "-1", f"{-part:.2f}",
                   ref=f"S{i}")
    program, _spans, _diags = parse_located(
        OUTLETS_THREE_MONTHS.replace("until_days: 30", f"until_days: {until}"), "t.yaml")
    data = wh.data()
    (with_facts,), _ = calculate([program], data, as_of=None, keep=lambda t: t)
    from_lines = calculate_program(program, replace(data, facts=None), keep=lambda t: t)

    def rows(r):
        w = r.wide
        return sorted(tuple(x.values()) for x in w.select(
            "participant_id", "period_no", "a__sales", "a__outlets").to_pyarrow().to_pylist())

    assert rows(with_facts) == rows(from_lines)
