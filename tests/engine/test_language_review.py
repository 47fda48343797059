"""Review of the program language: each construct of the spec written as docs/programs.md
documents it, run on the test bench, numbers worked out by hand in the docstrings."""

from decimal import Decimal as D

from payout_support import run

COMP = "components:\n  - id: c\n    kpi: value\n    on: actual\n    slabs: [{from: 0, rate: 0.1}]\n"


def program(body: str, *, period: str = "period: {start: 2026-10-01, end: 2026-10-31}",
            kpis: str = "kpis: [{id: value, kind: volume}]") -> str:
    return f"id: t\nname: T\n{period}\n{kpis}\n{body}"


def _rows(out, pid: str) -> list[tuple[str, str, str]]:
    return [(str(r["period_start"]), str(r["period_end"]), r["payout"]) for r in out.payouts
            if r["participant_id"] == pid]


def test_weekly_15_day_monthly_and_quarter_periods(wh):
    """D1 sells 5 (30 Sep), 10 (1 Oct), 20 (7 Oct), 40 (8 Oct), 80 (28 Oct), 160 (29 Oct);
    10 % of each period's sales. Weekly × 4: 1–7 Oct 30 → 3.00, 8–14 40 → 4.00, 15–21 0,
    22–28 80 → 8.00 (29 Oct is after the last week). Monthly × 3 from September: Sep 5 →
    0.50, Oct 310 → 31.00, Nov 0. 15 days × 2: 1–15 Oct 70 → 7.00, 16–30 80 + 160 → 24.00.
    Quarter Oct–Dec: 310 → 31.00."""
    for d, amt in (("2026-09-30", "5"), ("2026-10-01", "10"), ("2026-10-07", "20"),
                   ("2026-10-08", "40"), ("2026-10-28", "80"), ("2026-10-29", "160")):
        wh.sale("I" + d, d, "D1", "O1", "A1", "1", amt)
    weekly = "period: {start: 2026-10-01, end: 2026-10-07, recurrence: {every_days: 7, count: 4}}"
    assert _rows(run(program(COMP, period=weekly), wh), "D1") == [
        ("2026-10-01", "2026-10-07", "3.00"), ("2026-10-08", "2026-10-14", "4.00"),
        ("2026-10-15", "2026-10-21", "0.00"), ("2026-10-22", "2026-10-28", "8.00")]
    monthly = ("period: {start: 2026-09-01, end: 2026-09-30, "
               "recurrence: {every_months: 1, count: 3}}")
    assert _rows(run(program(COMP, period=monthly), wh), "D1") == [
        ("2026-09-01", "2026-09-30", "0.50"), ("2026-10-01", "2026-10-31", "31.00"),
        ("2026-11-01", "2026-11-30", "0.00")]
    fortnight = ("period: {start: 2026-10-01, end: 2026-10-15, "
                 "recurrence: {every_days: 15, count: 2}}")
    assert _rows(run(program(COMP, period=fortnight), wh), "D1") == [
        ("2026-10-01", "2026-10-15", "7.00"), ("2026-10-16", "2026-10-30", "24.00")]
    quarter = "period: {start: 2026-10-01, end: 2026-12-31}"
    assert _rows(run(program(COMP, period=quarter), wh), "D1") == [
        ("2026-10-01", "2026-12-31", "31.00")]


def test_eligibility_by_attribute_lists_and_join_date(wh):
    """D1 North/2025, D2 South/May 2026, D3 North/no join date; S1 sells 400, R1 manages D1
    (100) and D2 (200). where region North → D1, D3; include [S1, R1] adds them (R1 rolls
    up 300 → 30.00); exclude [D2] → D1, D3; joined_before 2026-01-01 → D1, D3 (an empty
    join date is long-standing)."""
    import datetime as dt

    attrs = {"D1": ("North", "2025-01-01"), "D2": ("South", "2026-05-01"), "D3": ("North", None)}
    for r in wh.rows["participants"]:
        if r["participant_id"] in attrs:
            region, joined = attrs[r["participant_id"]]
            r.update(region=region, joined_on=dt.date.fromisoformat(joined) if joined else None)
    for inv, pid, outlet, amt in (("I1", "D1", "O1", "100"), ("I2", "D2", "O5", "200"),
                                  ("I3", "D3", "O7", "300"), ("I4", "S1", "O8", "400")):
        wh.sale(inv, "2026-10-05", pid, outlet, "A1", "1", amt)

    def payouts(rule: str) -> dict[str, D]:
        out = run(program(f"participants: {rule}\n{COMP}"), wh)
        return {r["participant_id"]: D(r["payout"]) for r in out.payouts}

    assert payouts("{where: \"region = 'North'\"}") == {"D1": D("10.00"), "D3": D("30.00")}
    assert payouts("{include: [S1, R1]}") == {"D1": D("10.00"), "D2": D("20.00"),
                                              "D3": D("30.00"), "R1": D("30.00"),
                                              "S1": D("40.00")}
    assert payouts("{exclude: [D2]}") == {"D1": D("10.00"), "D3": D("30.00")}
    assert payouts("{joined_before: 2026-01-01}") == {"D1": D("10.00"), "D3": D("30.00")}


def test_targets_from_table_and_uplift_by_region_and_channel(wh):
    """September sales 1,000 each. Uplift by region (North 0.1, South 0.2, default 0.5):
    D1 North 1,100, D2 South 1,200, D3 none 1,500. By channel (gt 0.1, ecom 0.3, default
    0.5): D1 gt 1,100, D2 mt 1,500, D3 ecom 1,300. From the table: D1 1,234.567 → 1,234.57,
    with floor 100 and round down to 50 → 1,200; D2 10 → floor 100; D3's row is another
    program's, so none."""
    attrs = {"D1": ("North", "gt"), "D2": ("South", "mt"), "D3": (None, "ecom")}
    for r in wh.rows["participants"]:
        if r["participant_id"] in attrs:
            r.update(zip(("region", "channel"), attrs[r["participant_id"]], strict=True))
    for pid, outlet in (("D1", "O1"), ("D2", "O5"), ("D3", "O7")):
        wh.sale("S" + pid, "2026-09-10", pid, outlet, "A1", "1", "1000.00")
    wh.rows["targets"] += [
        {"program_id": "t", "participant_id": "D1", "kpi": "value", "target": D("1234.567")},
        {"program_id": "t", "participant_id": "D2", "kpi": "value", "target": D("10")},
        {"program_id": "other", "participant_id": "D3", "kpi": "value", "target": D("99")}]
    comp = "components:\n  - id: c\n    kpi: value\n    slabs: [{from: 1, amount: 100}]\n"

    def targets(rule: str) -> list[str | None]:
        out = run(program(f"targets: {{value: {rule}}}\n{comp}"), wh)
        return [out.kpi(p, "value")["target"] for p in ("D1", "D2", "D3")]

    hist = "history: {basis: previous_period}"
    assert targets(f"{{{hist}, uplift: {{default: 0.5, by: region, "
                   "values: {North: 0.1, South: 0.2}}}") == ["1100.00", "1200.00", "1500.00"]
    assert targets(f"{{{hist}, uplift: {{default: 0.5, by: channel, "
                   "values: {gt: 0.1, ecom: 0.3}}}") == ["1100.00", "1500.00", "1300.00"]
    assert targets("{from_table: true}") == ["1234.57", "10.00", None]
    assert targets("{from_table: true, floor: 100, round: {to: 50, mode: down}}") == [
        "1200.00", "100.00", None]


def test_product_and_outlet_filters_on_upsell_and_metric(wh):
    """D1: I1 to O1 (grocery) A1 100 (qty 2) + B1 50 (qty 3); I2 to O4 (chemist) A2 70
    (qty 5); I3 to O2 (grocery) C1 10 + A1 30 (qty 4); a return on O2 of A1 −5 (qty −1).
    premium volume at grocery outlets: 100 + 50 + 30 − 5 = 175.00; grocery outlets with ≥ 2
    categories: O1 (a, b), O2 (c, a) = 2; premium mix within category a: (100 + 30 − 5) ÷
    (100 + 70 + 30 − 5) = 125/195 = 0.6410; Σ quantity × 2 of category a: (2 + 5 + 4 − 1)
    × 2 = 20.000; average net_amount at grocery outlets: 185 ÷ 5 lines = 37.0000."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "2", "100.00")
    wh.sale("I1", "2026-10-05", "D1", "O1", "B1", "3", "50.00")
    wh.sale("I2", "2026-10-06", "D1", "O4", "A2", "5", "70.00")
    wh.sale("I3", "2026-10-07", "D1", "O2", "C1", "1", "10.00")
    wh.sale("I3", "2026-10-07", "D1", "O2", "A1", "4", "30.00")
    wh.ret("R1", "2026-10-08", "D1", "O2", "A1", "-1", "-5.00")
    grocery = "outlets: \"outlet_type = 'grocery'\""
    cases = {
        f"kind: upsell, mode: segment_volume, segment: premium, {grocery}": "175.00",
        f"kind: upsell, mode: range_outlets, min_distinct: 2, {grocery}": "2",
        "kind: upsell, mode: mix_share, segment: premium, products: \"category = 'a'\"":
            "0.6410",
        "kind: metric, table: sales, agg: sum, expr: quantity * 2, "
        "products: \"category = 'a'\"": "20.000",
        f"kind: metric, table: sales, agg: avg, expr: net_amount, {grocery}": "37.0000",
    }
    comp = "components:\n  - id: c\n    kpi: k\n    on: actual\n    slabs: [{from: 0, amount: 1}]"
    for spec, expected in cases.items():
        out = run(program(comp, kpis=f"kpis:\n  - {{id: k, {spec}}}"), wh)
        assert out.kpi("D1", "k")["actual"] == expected, spec
