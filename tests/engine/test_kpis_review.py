"""Review golden tests: edge cases of KPI meanings and targets, worked out by hand.

Hierarchy (conftest): M1 ─ R1 ─ D1 ─ S1, R1 ─ D2, M1 ─ R2 ─ D3; every participant is tier gold.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from payout_support import run

OCT = ("2024-10-01", "2024-10-31")
MONTH = "period: {start: 2026-10-01, end: 2026-10-31}"
VALUE = "kpis: [{id: value, kind: volume}]"


def _targets(wh, target: str, *, kpis: str = VALUE, period: str = MONTH) -> dict:
    """{(participant_id, period_start): target} of KPI `value` set by `target`."""
    out = run(f"id: t\nname: T\n{period}\n{kpis}\ntargets:\n  value: {target}\n"
              "components:\n  - id: c\n    kpi: value\n    slabs: [{from: 1, amount: 1}]\n", wh)
    return {(r["participant_id"], r["period_start"].isoformat()): r["target"]
            for r in out.kpis if r["kpi"] == "value"}


# ---------------------------------------------------------------- targets


def test_average_times_uplift_is_rounded_once(wh):
    # D1 sold 100.00 in July, 100.00 in August, 100.01 in September 2026. October's target:
    # average of 3 × 1.5 = 300.01 / 3 × 1.5 = 150.005 → 150.01 (half-up, once). Rounding the
    # average first (100.00) would give 150.00.
    wh.sale("I1", "2026-07-10", "D1", "O1", "A1", "1", "100.00")
    wh.sale("I2", "2026-08-10", "D1", "O1", "A1", "1", "100.00")
    wh.sale("I3", "2026-09-10", "D1", "O1", "A1", "1", "100.01")
    wh.sale("I4", "2026-06-30", "D2", "O5", "A1", "1", "999.00")   # June: not in the 3 months
    wh.sale("I5", "2026-07-01", "D2", "O5", "A1", "1", "30.00")    # 1 July: first day, inside
    t = _targets(wh, "{history: {basis: average, periods: 3}, uplift: {default: 0.5}}")
    # D2: 30.00 / 3 × 1.5 = 15.00.
    assert t[("D1", "2026-10-01")] == "150.01"
    assert t[("D2", "2026-10-01")] == "15.00"


def test_same_period_last_year_of_a_month_is_the_whole_month(wh):
    # February 2025's same period last year is February 2024, 29 Feb included:
    # 1.00 (1 Feb) + 100.00 (29 Feb) = 101.00; 31 Jan and 1 Mar 2024 are outside.
    wh.sale("I1", "2024-02-29", "D1", "O1", "A1", "1", "100.00")
    wh.sale("I2", "2024-02-01", "D1", "O1", "A1", "1", "1.00")
    wh.sale("I3", "2024-01-31", "D1", "O1", "A1", "1", "1000.00")
    wh.sale("I4", "2024-03-01", "D1", "O1", "A1", "1", "1000.00")
    t = _targets(wh, "{history: {basis: same_period_last_year}}",
                 period="period: {start: 2025-02-01, end: 2025-02-28}")
    assert t[("D1", "2025-02-01")] == "101.00"


def test_same_period_last_year_of_day_windows_and_uplift_by_tier(wh):
    # Weekly periods from 1 Oct 2026: week 1 = 1–7 Oct 2026 reads 1–7 Oct 2025 (7 Oct in:
    # 70.00; 8 Oct 2025 is week 2's); week 2 = 8–14 Oct reads 8–14 Oct 2025 (20.00).
    # Uplift by tier: gold 0.10 → 77.00 and 22.00; D2 has no history: 0 × 1.1 = 0.00.
    wh.sale("I1", "2025-10-07", "D1", "O1", "A1", "1", "70.00")
    wh.sale("I2", "2025-10-08", "D1", "O1", "A1", "1", "20.00")
    wh.sale("I3", "2025-09-30", "D1", "O1", "A1", "1", "500.00")
    t = _targets(wh, "{history: {basis: same_period_last_year}, "
                     "uplift: {default: 0.5, by: tier, values: {gold: 0.10}}}",
                 period="period: {start: 2026-10-01, end: 2026-10-07, "
                        "recurrence: {every_days: 7, count: 2}}")
    assert t[("D1", "2026-10-01")] == "77.00"
    assert t[("D1", "2026-10-08")] == "22.00"
    assert t[("D2", "2026-10-01")] == "0.00"


def test_from_table_floor_keeps_a_missing_row_without_target(wh):
    # D1 has a row (30.00), raised to the floor 50.00 and rounded up to 100 → 100.00;
    # D2 has no row: it has no target (the floor does not invent one).
    wh.rows["targets"].append({"program_id": "t", "participant_id": "D1", "kpi": "value",
                               "target": D("30.00")})
    t = _targets(wh, "{from_table: true, floor: 50, round: {to: 100, mode: up}}")
    assert t[("D1", "2026-10-01")] == "100.00"
    assert t[("D2", "2026-10-01")] is None


def test_average_history_with_many_periods(wh):
    # 60 one-day periods from 1 Oct 2026, each with the average of its 24 days before as
    # target: 1440 history windows. The only sale, 24.00 on 22 Oct (period 22's day), is in
    # the 24 days before periods 23 … 46 (23 Oct … 15 Nov) → 1.00 there, 0.00 elsewhere.
    wh.sale("I1", "2026-10-22", "D1", "O1", "A1", "1", "24.00")
    t = _targets(wh, "{history: {basis: average, periods: 24}}",
                 period="period: {start: 2026-10-01, end: 2026-10-01, "
                        "recurrence: {every_days: 1, count: 60}}")
    first = dt.date(2026, 10, 1)
    got = {start: v for (pid, start), v in t.items() if pid == "D1"}
    assert got == {(first + dt.timedelta(days=p - 1)).isoformat():
                   "1.00" if 23 <= p <= 46 else "0.00" for p in range(1, 61)}


# ---------------------------------------------------------------- outlets


def test_new_outlet_bought_and_returned_in_the_period_is_not_new(wh):
    # O1 (D1) first bought 5 Oct and returned all on 20 Oct: net 0.00 in October, so not
    # billed, so not new. O2 first bought 31 Oct (last day) → new. O3's first bill 30 Sep → not
    # new in October. D1 = 1. R1 = 1, M1 = 1 (channels: no primary billing).
    wh.sale("I1", "2024-10-05", "D1", "O1", "A1", "1", "10.00")
    wh.ret("R1", "2024-10-20", "D1", "O1", "A1", "-1", "-10.00")
    wh.sale("I2", "2024-10-31", "D1", "O2", "A1", "1", "10.00")
    wh.sale("I3", "2024-09-30", "D1", "O3", "A1", "1", "10.00")
    wh.sale("I4", "2024-10-02", "D1", "O3", "A1", "1", "10.00")
    r = wh.kpi({"kind": "net_channel_addition", "count": "new"}, OCT)
    assert wh.nonzero(r) == {("D1", 1): D("1")}


def test_new_channel_bought_and_credited_in_the_period_is_not_new(wh):
    # Reps' channels by primary billing: D1 first billed 3 Oct and credited in full on 9 Oct
    # (net 0.00) → not new; D2 first billed 1 Oct → new. R1 = 1; M1 = 1.
    wh.primary("P1", "2024-10-03", "D1", "100.00")
    wh.primary("P2", "2024-10-09", "D1", "-100.00")
    wh.primary("P3", "2024-10-01", "D2", "5.00")
    r = wh.kpi({"kind": "net_channel_addition", "count": "new"}, OCT)
    assert wh.nonzero(r) == {("R1", 1): D("1"), ("M1", 1): D("1")}


def test_reactivated_when_the_inactive_days_net_to_nothing(wh):
    # Window from 1 Oct; the 90 days before are 3 Jul … 30 Sep. In history an invoice is a
    # bill unless the returns naming it, dated before 1 Oct, take its value to 0 or below.
    # O1: billed 1 May, then 10 Aug bought and returned in full on 15 Aug (the 10 Aug invoice
    # is no bill), back on 5 Oct → reactivated (last bill 1 May).
    # O2: billed 1 May, 10 Aug billed (kept) in the 90 days → not reactivated.
    # O3: only 10 Aug bought and returned in full, and 5 Oct → never billed before: new, not
    # reactivated.
    # O4: 2 Jul (just outside the 90 days), returned in full on 3 Jul → never billed before
    # either → not reactivated.
    # D1 = 1 (O1).
    for o in ("O1", "O2"):
        wh.sale("A" + o, "2024-05-01", "D1", o, "A1", "1", "10.00")
    for o in ("O1", "O2", "O3"):
        wh.sale("B" + o, "2024-08-10", "D1", o, "A1", "1", "10.00")
    for o in ("O1", "O3"):
        wh.ret("C" + o, "2024-08-15", "D1", o, "A1", "-1", "-10.00", ref="B" + o)
    wh.sale("AO4", "2024-07-02", "D1", "O4", "A1", "1", "10.00")
    wh.ret("CO4", "2024-07-03", "D1", "O4", "A1", "-1", "-10.00", ref="AO4")
    for o in ("O1", "O2", "O3", "O4"):
        wh.sale("N" + o, "2024-10-05", "D1", o, "A1", "1", "10.00")
    r = wh.kpi({"kind": "reactivated_outlets"}, OCT)
    assert r[("D1", 1)] == D("1")
    # With a 180-day maximum (last bill on or after 4 Apr): O1 (last bill 1 May) → 1.
    r = wh.kpi({"kind": "reactivated_outlets", "inactive_max_days": 180}, OCT)
    assert r[("D1", 1)] == D("1")


def test_target_rounding_and_floor_boundaries(wh):
    # nearest to 1000: 12,500 → 13,000 (a half goes up); up: 12,000 stays 12,000, 12,000.01
    # → 13,000; down: 12,999.99 → 12,000; floor 12,000 on 12,000 keeps 12,000.
    for rule, want in (("{fixed: 12500, round: {to: 1000, mode: nearest}}", "13000.00"),
                       ("{fixed: 12000, round: {to: 1000, mode: up}}", "12000.00"),
                       ("{fixed: 12000.01, round: {to: 1000, mode: up}}", "13000.00"),
                       ("{fixed: 12999.99, round: {to: 1000, mode: down}}", "12000.00"),
                       ("{fixed: 11999.99, floor: 12000}", "12000.00")):
        assert _targets(wh, rule)[("D1", "2026-10-01")] == want, rule


# ---------------------------------------------------------------- billing, payments


def test_outstanding_at_d_boundaries(wh):
    # D = 31 Oct. P1 dated 31 Oct (on D: counted), due 31 Oct (not overdue: due_date < D
    # fails). P2 dated 1 Oct, due 30 Oct, 20.00 paid on D (counted) → 30.00 left. The 1000.00
    # on account reduces nothing. Level 100.00 + 30.00 = 130.00; overdue only 30.00.
    # Older than 29 days (invoice_date < 2 Oct): P2 → 30.00; older than 30 (< 1 Oct): none.
    wh.primary("P1", "2024-10-31", "D1", "100.00", due="2024-10-31")
    wh.primary("P2", "2024-10-01", "D1", "50.00", due="2024-10-30")
    wh.pay("Y1", "D1", "P2", "2024-10-31", "20.00")
    wh.pay("Y2", "D1", "", "2024-10-31", "1000.00")
    assert wh.kpi({"kind": "outstanding"}, OCT)[("D1", 1)] == D("130.00")
    assert wh.kpi({"kind": "outstanding", "overdue_only": True}, OCT)[("D1", 1)] == D("30.00")
    assert wh.kpi({"kind": "outstanding", "older_than_days": 29}, OCT)[("D1", 1)] == D("30.00")
    assert wh.nonzero(wh.kpi({"kind": "outstanding", "older_than_days": 30}, OCT)) == {}


def test_early_payment_across_periods_ignores_on_account(wh):
    # P1 100.00 of 25 Sep: 60.00 on 30 Sep, 40.00 on account on 1 Oct (no effect), 40.00
    # against P1 on 5 Oct (10 days: ≤ 10) completes it → 2% = 2.00 earned in October
    # (period 2), nothing in September.
    wh.primary("P1", "2024-09-25", "D1", "100.00")
    wh.pay("Y1", "D1", "P1", "2024-09-30", "60.00")
    wh.pay("Y2", "D1", "", "2024-10-01", "40.00")
    wh.pay("Y3", "D1", "P1", "2024-10-05", "40.00")
    tiers = [{"days": 10, "rate": "0.02"}, {"days": 20, "rate": "0.01"}]
    r = wh.kpi({"kind": "early_payment", "tiers": tiers}, ("2024-09-01", "2024-09-30"), OCT)
    assert wh.nonzero(r) == {("D1", 2): D("2.00"), ("R1", 2): D("2.00"), ("M1", 2): D("2.00")}


def test_billed_outlets_other_seller_and_return_of_an_earlier_invoice(wh):
    # O1 (D1's outlet) bought from D2 on 1 Oct and from D1 on 31 Oct: one billed outlet each.
    # O2: 100.00 on 30 Sep (outside); in October a 60.00 return of it and 50.00 bought → net
    # −10.00: not billed. D1 = 1, D2 = 1, R1 = 2, M1 = 2. D1's October volume:
    # 10.00 − 60.00 + 50.00 = 0.00.
    wh.sale("I1", "2024-10-01", "D2", "O1", "A1", "1", "10.00")
    wh.sale("I2", "2024-10-31", "D1", "O1", "A1", "1", "10.00")
    wh.sale("I0", "2024-09-30", "D1", "O2", "A1", "1", "100.00")
    wh.ret("R0", "2024-10-02", "D1", "O2", "A1", "-1", "-60.00")
    wh.sale("I3", "2024-10-03", "D1", "O2", "A1", "1", "50.00")
    r = wh.kpi({"kind": "billed_outlets"}, OCT)
    assert r == {("D1", 1): D("1"), ("D2", 1): D("1"), ("R1", 1): D("2"), ("M1", 1): D("2")}
    assert wh.kpi({"kind": "volume"}, OCT)[("D1", 1)] == D("0.00")


def test_range_outlets_and_mix_share_net_a_return_of_an_earlier_invoice(wh):
    # O1 bought B1 for 100.00 on 30 Sep; returned on 2 Oct; bought A1 and B1 (10.00 each) on
    # 3 Oct. October: category a 10.00, category b −90.00 → only 1 category bought → not a
    # range outlet (min 2). Mix share premium: (−100 + 10 + 10) ÷ (−80) — the total is not
    # positive → 0.0000.
    wh.sale("I0", "2024-09-30", "D1", "O1", "B1", "1", "100.00")
    wh.ret("R0", "2024-10-02", "D1", "O1", "B1", "-1", "-100.00")
    wh.sale("I1", "2024-10-03", "D1", "O1", "A1", "1", "10.00")
    wh.sale("I2", "2024-10-03", "D1", "O1", "B1", "1", "10.00")
    r = wh.kpi({"kind": "upsell", "mode": "range_outlets", "min_distinct": 2}, OCT)
    assert wh.nonzero(r) == {}
    m = wh.kpi({"kind": "upsell", "mode": "mix_share", "segment": "premium"}, OCT)
    assert m[("D1", 1)] == D("0.0000")
