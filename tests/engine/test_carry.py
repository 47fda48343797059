"""Golden cases for KPI windows and amounts carried across periods (true-up, draw, clawback):
expected numbers worked out by hand in each docstring, on DuckDB and on Spark (`wh2`).

Default test network (see conftest): distributors D1, D2, D3.
"""

import datetime as dt
from decimal import Decimal as D

from payout_support import run

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
