"""Golden cases for KPI windows and amounts carried across periods (true-up, draw, clawback):
expected numbers worked out by hand in each docstring, on DuckDB and on Spark (`wh2`).

Default test network (see conftest): distributors D1, D2, D3.
"""

import datetime as dt
from decimal import Decimal as D

from payout_support import run

from schemeops.engine.calc import calculate
from schemeops.engine.output import result_tables
from schemeops.program.parse import parse_program

Q1 = """period:
  start: 2026-01-01
  end: 2026-01-31
  recurrence: {every_months: 1, count: 3}
"""

TRUE_UP = """id: t
name: T
""" + Q1 + """kpis:
  - {id: cum, kind: volume, window: {to_date: program}}
components:
  - id: bonus
    kpi: cum
    on: actual
    true_up: true
    slabs:
      - {from: 0, rate: 0.01}
      - {from: 100000, rate: 0.02}
"""


def test_true_up_pays_the_tier_to_date_minus_what_was_paid(wh2):
    """Cumulative slabs: 1 % to date from 0, 2 % from 100,000.
    D1 sells 40,000 a month. Month 1: 40,000 → 400.00 to date, nothing paid before: 400.00.
    Month 2: 80,000 → 800.00 to date, period 1 paid 400.00: pays 400.00.
    Month 3: 120,000 reaches 2 % → 2,400.00 to date, periods 1–2 paid 800.00: pays 1,600.00.
    D2 sells 150,000 in month 1 (3,000.00), returns 60,000 in month 2 (90,000 to date pays
    900.00 < 3,000.00 paid: pays 0, nothing taken back) and sells 20,000 in month 3
    (110,000 → 2,200.00, still under the 3,000.00 paid: pays 0)."""
    for m in ("01", "02", "03"):
        wh2.sale(f"I{m}", f"2026-{m}-10", "D1", "O1", "A1", "1", "40000.00")
    wh2.sale("J1", "2026-01-05", "D2", "O5", "A1", "1", "150000.00")
    wh2.ret("J2", "2026-02-05", "D2", "O5", "A1", "-1", "-60000.00")
    wh2.sale("J3", "2026-03-05", "D2", "O5", "A1", "1", "20000.00")
    out = run(TRUE_UP, wh2)
    assert [out.payout("D1", f"2026-{m}-01") for m in ("01", "02", "03")] == [
        D("400.00"), D("400.00"), D("1600.00")]
    assert out.component("D1", "bonus", "2026-03-01")["amount"] == "2400.00"
    row = out.component("D1", "bonus:true_up", "2026-03-01")
    assert row["amount"] == "-800.00"
    assert row["note"] == "to date pays 2400.00; periods 1–2 paid 800.00"
    assert out.component("D1", "bonus:true_up", "2026-02-01")["note"] == (
        "to date pays 800.00; period 1 paid 400.00")
    assert not [r for r in out.components if r["component"] == "bonus:true_up"
                and r["period_start"] == dt.date(2026, 1, 1)]
    assert [out.payout("D2", f"2026-{m}-01") for m in ("01", "02", "03")] == [
        D("3000.00"), D("0.00"), D("0.00")]
    assert out.component("D2", "bonus:true_up", "2026-03-01")["note"] == (
        "to date pays 2200.00; periods 1–2 paid 3000.00: nothing is taken back "
        "(no allow_clawback)")


def test_clawback_turns_a_lower_result_to_date_into_a_debit(wh2):
    """The same program with `allow_clawback: true`: each period pays R_k − R_{k−1}.
    D2: month 1 sells 150,000 → 3,000.00. Month 2 returns 60,000: 90,000 to date pays
    900.00, period 1 paid 3,000.00 → −2,100.00, a debit. Month 3 sells 20,000: 110,000
    → 2,200.00, periods 1–2 paid 900.00 (3,000.00 − 2,100.00) → 1,300.00.
    Over the quarter: 3,000 − 2,100 + 1,300 = 2,200 = what the rule pays to date."""
    wh2.sale("J1", "2026-01-05", "D2", "O5", "A1", "1", "150000.00")
    wh2.ret("J2", "2026-02-05", "D2", "O5", "A1", "-1", "-60000.00")
    wh2.sale("J3", "2026-03-05", "D2", "O5", "A1", "1", "20000.00")
    out = run(TRUE_UP + "allow_clawback: true\n", wh2)
    assert [out.payout("D2", f"2026-{m}-01") for m in ("01", "02", "03")] == [
        D("3000.00"), D("-2100.00"), D("1300.00")]
    row = out.component("D2", "bonus:true_up", "2026-02-01")
    assert row["amount"] == "-3000.00"
    assert row["note"] == ("to date pays 900.00; period 1 paid 3000.00: the difference is a "
                           "debit (allow_clawback)")
    assert out.component("D2", "bonus:true_up", "2026-03-01")["note"] == (
        "to date pays 2200.00; periods 1–2 paid 900.00")


def test_recoverable_draw_is_recovered_from_later_earnings(wh2):
    """5 % of sales with a draw of 5,000.00 a month, recoverable.
    Month 1: sales 40,000 earn 2,000.00; the draw tops up 3,000.00 → pays 5,000.00,
    balance 3,000.00. Month 2: 120,000 earn 6,000.00, 1,000.00 above the draw is recovered
    → pays 5,000.00, balance 2,000.00. Month 3: 200,000 earn 10,000.00, 5,000.00 above
    the draw, 2,000.00 of it recovered → pays 8,000.00, balance 0.
    D2 earns 7,000.00 (140,000) every month: above the draw, nothing to recover: 7,000.00."""
    for m, amount in (("01", "40000.00"), ("02", "120000.00"), ("03", "200000.00")):
        wh2.sale(f"I{m}", f"2026-{m}-10", "D1", "O1", "A1", "1", amount)
        wh2.sale(f"J{m}", f"2026-{m}-10", "D2", "O5", "A1", "1", "140000.00")
    out = run("id: t\nname: T\n" + Q1 + """kpis: [{id: sales, kind: volume}]
components:
  - id: pay
    kpi: sales
    on: actual
    slabs: [{from: 0, rate: 0.05}]
    draw: {amount: 5000, recoverable: true}
""", wh2)
    assert [out.payout("D1", f"2026-{m}-01") for m in ("01", "02", "03")] == [
        D("5000.00"), D("5000.00"), D("8000.00")]
    draw = out.component("D1", "pay:draw", "2026-01-01")
    assert (draw["amount"], draw["note"]) == (
        "3000.00", "draw 5000: earned 2000.00; balance to recover 3000.00")
    rec = out.component("D1", "pay:draw_recovery", "2026-02-01")
    assert (rec["amount"], rec["note"]) == (
        "-1000.00", "recovers the draw paid above earnings in period 1: earned 6000.00, "
        "balance 3000.00 → 2000.00")
    rec = out.component("D1", "pay:draw_recovery", "2026-03-01")
    assert (rec["amount"], rec["note"]) == (
        "-2000.00", "recovers the draw paid above earnings in period 1: earned 10000.00, "
        "balance 2000.00 → 0.00")
    assert [out.payout("D2", f"2026-{m}-01") for m in ("01", "02", "03")] == [D("7000.00")] * 3
    assert {r["component"] for r in out.components if r["participant_id"] == "D2"} == {"pay"}


def test_a_draw_not_recoverable_is_a_floor_each_period(wh2):
    """Draw 5,000.00, not recoverable: month 1 earns 2,000.00 → pays 5,000.00; month 2 earns
    6,000.00 → pays 6,000.00 (nothing recovered); D3, who sells nothing, is paid the
    draw: 5,000.00 both months."""
    wh2.sale("I1", "2026-01-10", "D1", "O1", "A1", "1", "40000.00")
    wh2.sale("I2", "2026-02-10", "D1", "O1", "A1", "1", "120000.00")
    out = run("""id: t
name: T
period:
  start: 2026-01-01
  end: 2026-01-31
  recurrence: {every_months: 1, count: 2}
kpis: [{id: sales, kind: volume}]
components:
  - id: pay
    kpi: sales
    on: actual
    slabs: [{from: 0, rate: 0.05}]
    draw: {amount: 5000}
""", wh2)
    assert out.payout("D1", "2026-01-01") == D("5000.00")
    assert out.payout("D1", "2026-02-01") == D("6000.00")
    assert out.payout("D3", "2026-02-01") == D("5000.00")
    assert out.component("D1", "pay:draw", "2026-01-01")["note"] == "draw 5000: earned 2000.00"


YTD = """id: t
name: T
period:
  start: 2026-02-01
  end: 2026-02-28
  recurrence: {every_months: 1, count: 3}
kpis:
  - {id: month, kind: volume}
  - {id: ytd, kind: volume, window: {to_date: year}}
targets:
  ytd: {fixed: 100000}
components:
  - id: bonus
    kpi: month
    on: actual
    slabs: [{from: 0, rate: 0.02}]
    gate: "attainment(ytd) >= 1"
"""


def test_monthly_payout_gated_on_year_to_date_attainment(wh2):
    """2 % of the month's sales once sales since 1 January reach the 100,000 target.
    The program runs February–April, so January counts towards the year to date.
    D1: January 60,000; February 50,000 → YTD 110,000 ≥ 100,000: pays 2 % × 50,000 = 1,000.00;
    March 30,000 (on the 20th) → YTD 140,000: pays 600.00; April nothing: 0.
    D2: December 2025 90,000 (last year: not counted); February 20,000 → YTD 20,000, gate
    fails; March 20,000 (on the 10th) → 40,000, fails; April 70,000 → 110,000: pays 1,400.00."""
    wh2.sale("I1", "2026-01-15", "D1", "O1", "A1", "1", "60000.00")
    wh2.sale("I2", "2026-02-15", "D1", "O1", "A1", "1", "50000.00")
    wh2.sale("I3", "2026-03-20", "D1", "O1", "A1", "1", "30000.00")
    wh2.sale("J0", "2025-12-15", "D2", "O5", "A1", "1", "90000.00")
    wh2.sale("J1", "2026-02-15", "D2", "O5", "A1", "1", "20000.00")
    wh2.sale("J2", "2026-03-10", "D2", "O5", "A1", "1", "20000.00")
    wh2.sale("J3", "2026-04-15", "D2", "O5", "A1", "1", "70000.00")
    out = run(YTD, wh2)
    months = ("02", "03", "04")
    assert [out.payout("D1", f"2026-{m}-01") for m in months] == [
        D("1000.00"), D("600.00"), D("0.00")]
    assert [out.payout("D2", f"2026-{m}-01") for m in months] == [
        D("0.00"), D("0.00"), D("1400.00")]
    feb = [r for r in out.kpis if r["participant_id"] == "D1" and r["kpi"] == "ytd"
           and r["period_start"] == dt.date(2026, 2, 1)]
    assert [(r["actual"], r["target"], r["attainment"]) for r in feb] == [
        ("110000.00", "100000.00", "1.1000")]
    assert out.component("D2", "bonus", "2026-03-01")["note"] == (
        "gate failed: attainment(ytd) >= 1")


def test_to_date_window_ends_on_the_as_of_date(wh2):
    """--as-of 2026-03-15 clips March to 1–15: D1's YTD is 110,000 (its 30,000 of the 20th is
    later) and its March sales 0 → 0.00; D2's YTD is 40,000 (20,000 on the 10th counts)."""
    wh2.sale("I1", "2026-01-15", "D1", "O1", "A1", "1", "60000.00")
    wh2.sale("I2", "2026-02-15", "D1", "O1", "A1", "1", "50000.00")
    wh2.sale("I3", "2026-03-20", "D1", "O1", "A1", "1", "30000.00")
    wh2.sale("J1", "2026-02-15", "D2", "O5", "A1", "1", "20000.00")
    wh2.sale("J2", "2026-03-10", "D2", "O5", "A1", "1", "20000.00")
    out = run(YTD, wh2, as_of=dt.date(2026, 3, 15))
    ytd = {(r["participant_id"], r["period_end"]): r["actual"] for r in out.kpis
           if r["kpi"] == "ytd" and r["participant_id"] in ("D1", "D2")}
    assert ytd == {("D1", dt.date(2026, 2, 28)): "110000.00",
                   ("D1", dt.date(2026, 3, 15)): "110000.00",
                   ("D2", dt.date(2026, 2, 28)): "20000.00",
                   ("D2", dt.date(2026, 3, 15)): "40000.00"}
    assert out.payout("D1", "2026-03-01") == D("0.00")


DAYS = """id: t
name: T
period:
  start: 2026-03-02
  end: 2026-03-08
  recurrence: {every_days: 7, count: 2}
kpis:
  - {id: last14, kind: volume, window: {days: 14}}
  - {id: outlets14, kind: billed_outlets, window: {days: 14}}
components:
  - id: bonus
    kpi: last14
    on: actual
    slabs: [{from: 0, rate: 0.01}]
"""


def test_days_window_reads_the_n_days_ending_on_the_period_end(wh2):
    """Weeks 2–8 and 9–15 March, KPI over the 14 days ending on each week's last day:
    week 1 reads 23 February – 8 March, week 2 reads 2–15 March.
    D1 sells 10,000 on 23 February (O1), 5,000 on 3 March (O2), 2,000 on 14 March (O2):
    week 1: 15,000 → 1 % = 150.00, two outlets; week 2: 7,000 → 70.00, one outlet."""
    wh2.sale("I1", "2026-02-23", "D1", "O1", "A1", "1", "10000.00")
    wh2.sale("I2", "2026-03-03", "D1", "O2", "A1", "1", "5000.00")
    wh2.sale("I3", "2026-03-14", "D1", "O2", "A1", "1", "2000.00")
    out = run(DAYS, wh2)
    assert out.payout("D1", "2026-03-02") == D("150.00")
    assert out.payout("D1", "2026-03-09") == D("70.00")
    got = {(r["kpi"], r["period_start"]): r["actual"] for r in out.kpis
           if r["participant_id"] == "D1"}
    assert got[("outlets14", dt.date(2026, 3, 2))] == "2"
    assert got[("outlets14", dt.date(2026, 3, 9))] == "1"


def test_days_window_outlet_kpi_reads_the_run_facts_of_its_own_windows(wh):
    """A whole run computes outlet KPIs from per-outlet facts of the windows it reads: the
    14-day windows' facts must be among them (two outlets, then one, as above)."""
    wh.sale("I1", "2026-02-23", "D1", "O1", "A1", "1", "10000.00")
    wh.sale("I2", "2026-03-03", "D1", "O2", "A1", "1", "5000.00")
    wh.sale("I3", "2026-03-14", "D1", "O2", "A1", "1", "2000.00")
    program, _errors = parse_program(DAYS, "t.yaml")
    results, _data = calculate([program], wh.data(), as_of=None)
    rows = result_tables(results)["kpis"].to_pyarrow().to_pylist()
    assert [r["actual"] for r in rows if r["participant_id"] == "D1"
            and r["kpi"] == "outlets14"] == ["2", "1"]


def test_a_debit_passes_the_budget_which_scales_only_what_is_paid(wh2):
    """Clawback with a budget of 3,500 a period. Month 1: D1 40,000 → 400.00, D2 150,000 →
    3,000.00; 3,400.00 ≤ 3,500: nothing scaled.
    Month 2: D1 +60,000 = 100,000 reaches 2 % → 2,000.00 to date, pays 1,600.00; D2 returns
    60,000 → 900.00 to date: −2,100.00, a debit; D3 sells 150,000 → 3,000.00.
    What is paid is 1,600 + 3,000 = 4,600 > 3,500 (the debit is not netted against it):
    D1 1,600 × 3,500 / 4,600 = 1,217.3913 → 1,217.39; D3 3,000 × 3,500 / 4,600 = 2,282.6087
    → 2,282.60; the paisa left goes to the larger remainder (D3, .0087) → 2,282.61.
    D2's debit stays −2,100.00."""
    wh2.sale("I1", "2026-01-10", "D1", "O1", "A1", "1", "40000.00")
    wh2.sale("I2", "2026-02-10", "D1", "O1", "A1", "1", "60000.00")
    wh2.sale("J1", "2026-01-05", "D2", "O5", "A1", "1", "150000.00")
    wh2.ret("J2", "2026-02-05", "D2", "O5", "A1", "-1", "-60000.00")
    wh2.sale("K2", "2026-02-05", "D3", "O7", "A1", "1", "150000.00")
    out = run(TRUE_UP + "allow_clawback: true\ncaps: {budget: 3500}\n", wh2)
    feb = {p: out.payout(p, "2026-02-01") for p in ("D1", "D2", "D3")}
    assert feb == {"D1": D("1217.39"), "D2": D("-2100.00"), "D3": D("2282.61")}
    assert out.payout("D2", "2026-01-01") == D("3000.00")
