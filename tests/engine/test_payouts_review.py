"""Edge cases a finance user checks on the payout side: breaks, curves' ends, notes that say
why, rounding once per component, caps' order, budget paise, eligibility boundaries, weekly
recurrences with catch-up, and the CSV files as written. Expected numbers worked out by hand.

Default test network (see conftest): distributors D1, D2, D3 (tier gold), S1 D1's
sub-distributor; D1's outlets are O1..O4, D2's O5..O6, D3's O7, S1's O8.
"""

import datetime as dt
import textwrap
from decimal import Decimal as D

from payout_support import run

from schemeops.engine.backends import csv_writer
from schemeops.engine.output import result_tables, write_outputs
from schemeops.engine.runner import calculate_program
from schemeops.program.parse import parse_located

OCT = "period: {start: 2026-10-01, end: 2026-10-31}"
VALUE = "kpis: [{id: value, kind: volume}]"
UNITS = "kpis: [{id: units, kind: volume, measure: quantity}]"
WEEKS = "period: {start: 2026-10-01, end: 2026-10-07, recurrence: {every_days: 7, count: 4}}"


def program(body: str, *, kpis: str = VALUE, period: str = OCT) -> str:
    return f"id: t\nname: T\n{period}\n{kpis}\n{body}"


def _sell(wh, *rows):
    """(distributor, outlet, net_amount[, quantity]) sold on 5 October."""
    for i, (dist, outlet, amount, *qty) in enumerate(rows):
        wh.sale(f"I{i}", "2026-10-05", dist, outlet, "A1", qty[0] if qty else "1", amount)


def test_marginal_and_step_exactly_on_a_break(wh):
    """Actual exactly 10,000 on 5% from 0 / 7% from 10,000 / 10% from 25,000:
    step takes the higher slab, 7% × 10,000 = 700.00 (slab 2 of 3);
    marginal: 10,000 × 5% + 0 × 7% = 500.00 (the 7% band is still empty)."""
    _sell(wh, ("D1", "O1", "10000.00"))
    slabs = "[{from: 0, rate: 0.05}, {from: 10000, rate: 0.07}, {from: 25000, rate: 0.10}]"
    out = run(program(f"components:\n  - id: s\n    kpi: value\n    on: actual\n"
                      f"    slabs: {slabs}\n  - id: m\n    kpi: value\n    on: actual\n"
                      f"    mode: marginal\n    slabs: {slabs}"), wh)
    assert out.component("D1", "s")["amount"] == "700.00"
    assert out.component("D1", "s")["note"] == "slab 2 of 3 (from 10000)"
    assert out.component("D1", "m")["amount"] == "500.00"


def test_marginal_below_the_first_slab_pays_0_and_says_why(wh):
    """Marginal bands from 5,000 (5%) and 10,000 (7%). D1 sells 3,000: below the first band
    → 0.00 with the note `below the first slab (from 5000)`, like a step table. D2 sells
    12,000: 5,000 × 5% + 2,000 × 7% = 250 + 140 = 390.00, the usual marginal note."""
    _sell(wh, ("D1", "O1", "3000.00"), ("D2", "O5", "12000.00"))
    out = run(program("components:\n  - id: c\n    kpi: value\n    on: actual\n"
                      "    mode: marginal\n"
                      "    slabs: [{from: 5000, rate: 0.05}, {from: 10000, rate: 0.07}]"), wh)
    assert out.component("D1", "c")["amount"] == "0.00"
    assert out.component("D1", "c")["note"] == "below the first slab (from 5000)"
    assert out.component("D2", "c")["amount"] == "390.00"
    assert out.component("D2", "c")["note"] == "marginal: each band at its own rate"


def test_step_on_attainment_below_a_table_starting_above_0(wh):
    """Slabs from 0.9 of a 10,000 target: D1 at 8,999.99 (0.899999) pays 0 with the reason;
    D2 at exactly 9,000 (0.9) takes the 0.9 slab: 1% × 9,000 = 90.00."""
    _sell(wh, ("D1", "O1", "8999.99"), ("D2", "O5", "9000.00"))
    out = run(program("targets: {value: {fixed: 10000}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    slabs: [{from: 0.9, rate: 0.01}, "
                      "{from: 1.0, rate: 0.02}]"), wh)
    assert out.component("D1", "c")["amount"] == "0.00"
    assert out.component("D1", "c")["note"] == "below the first slab (from 0.9)"
    assert out.component("D2", "c")["amount"] == "90.00"


def test_curve_at_its_ends_and_on_its_points(wh):
    """Target 100,000; curve 0 at 0.8, 2% at 1.0, 4% at 1.3.
    D1 100,000 (exactly on the middle point) → 2% = 2,000.00;
    D2 79,999.99 (just below the first point) → 0.00, `below the curve's start (0.8)`;
    D3 80,000 (exactly on the first point, rate 0) → 0.00, interpolated;
    S1 140,000 (past the last point) → 4% × 140,000 = 5,600.00, no extrapolation."""
    _sell(wh, ("D1", "O1", "100000.00"), ("D2", "O5", "79999.99"), ("D3", "O7", "80000.00"),
          ("S1", "O8", "140000.00"))
    out = run(program("participants: {roles: [distributor, sub_distributor]}\n"
                      "targets: {value: {fixed: 100000}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    curve: [{x: 0.8, rate: 0}, {x: 1.0, rate: 0.02}, "
                      "{x: 1.3, rate: 0.04}]"), wh)
    assert [out.payout(p) for p in ("D1", "D2", "D3", "S1")] == [
        D("2000.00"), D("0.00"), D("0.00"), D("5600.00")]
    assert out.component("D2", "c")["note"] == "below the curve's start (0.8)"
    assert out.component("D3", "c")["note"] == "curve, interpolated at attainment 0.800000"
    assert out.component("S1", "c")["note"].startswith("at or past the curve's last point")


def test_curve_with_a_multiplier_is_rounded_once(wh):
    """Curve on units: 0 at 0, 0.1% at 10; base value. D1: 5 units → rate 0.0005; value
    10.00 → 0.005; × 3 (multiplier) → 0.015 → half-up once: 0.02 (rounding the curve's
    0.005 to 0.01 first, then × 3, would pay 0.03)."""
    _sell(wh, ("D1", "O1", "10.00", "5"))
    kpis = "kpis: [{id: value, kind: volume}, {id: units, kind: volume, measure: quantity}]"
    out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    base: value\n    curve: [{x: 0, rate: 0}, {x: 10, rate: 0.001}]\n"
                      "    multipliers: [{when: \"actual(units) > 0\", factor: 3}]",
                      kpis=kpis), wh)
    assert out.component("D1", "c")["amount"] == "0.02"


def test_money_is_rounded_half_up_per_component(wh):
    """0.1% of 5.00 = 0.005 → 0.01 (half-up); 0.1% of 4.99 = 0.00499 → 0.00; two components
    of 0.005 each pay 0.01 + 0.01 = 0.02 (rounded per component, not on the sum 0.010)."""
    _sell(wh, ("D1", "O1", "5.00"), ("D2", "O5", "4.99"))
    out = run(program("components:\n  - id: a\n    kpi: value\n    on: actual\n"
                      "    slabs: [{from: 0, rate: 0.001}]\n  - id: b\n    kpi: value\n"
                      "    on: actual\n    slabs: [{from: 0, rate: 0.001}]"), wh)
    assert out.component("D1", "a")["amount"] == "0.01"
    assert out.payout("D1") == D("0.02")
    assert out.payout("D2") == D("0.00")


def test_failed_gates_pay_0_and_say_the_gate_failed(wh):
    """1% of value gated on another KPI (billed outlets ≥ 2). D1: 6,000 from two outlets →
    60.00. D2: 6,000 from one outlet → the component gate fails: 0.00, `gate failed:
    actual(mbo) >= 2`. With a program gate on value ≥ 10,000, D1's program gate fails: an
    adjustment of −60.00, `program gate failed: …`, payout 0.00."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "3000.00")
    wh.sale("I2", "2026-10-05", "D1", "O2", "A1", "1", "3000.00")
    wh.sale("I3", "2026-10-05", "D2", "O5", "A1", "1", "6000.00")
    kpis = "kpis: [{id: value, kind: volume}, {id: mbo, kind: billed_outlets}]"
    comp = ("components:\n  - id: c\n    kpi: value\n    on: actual\n"
            "    slabs: [{from: 0, rate: 0.01}]\n    gate: \"actual(mbo) >= 2\"\n")
    out = run(program(comp, kpis=kpis), wh)
    assert out.payout("D1") == D("60.00")
    assert out.component("D2", "c")["amount"] == "0.00"
    assert out.component("D2", "c")["note"] == "gate failed: actual(mbo) >= 2"
    out = run(program(comp + "gate: \"actual(value) >= 10000\"", kpis=kpis), wh)
    assert out.payout("D1") == D("0.00")
    row = out.component("D1", "program_gate")
    assert (row["amount"], row["note"]) == ("-60.00",
                                            "program gate failed: actual(value) >= 10000")


def test_component_cap_then_participant_cap_then_budget(wh):
    """Two components of 10% of value. D1 sells 100,000: a = 10,000 capped at 6,000, b =
    10,000 → 16,000, participant cap 12,000 → 12,000. D2 sells 30,000: 3,000 + 3,000 =
    6,000. D3 sells 10,000: 1,000 + 1,000 = 2,000. Period total 20,000 > budget 10,000 → ×½:
    6,000.00, 3,000.00, 1,000.00 (exactly the budget)."""
    _sell(wh, ("D1", "O1", "100000.00"), ("D2", "O5", "30000.00"), ("D3", "O7", "10000.00"))
    out = run(program("components:\n  - id: a\n    kpi: value\n    on: actual\n"
                      "    slabs: [{from: 0, rate: 0.1}]\n    cap: {amount: 6000}\n"
                      "  - id: b\n    kpi: value\n    on: actual\n"
                      "    slabs: [{from: 0, rate: 0.1}]\n"
                      "caps: {participant: 12000, budget: 10000}"), wh)
    assert out.component("D1", "a")["amount"] == "6000.00"
    assert out.component("D1", "participant_cap")["amount"] == "-4000.00"
    assert [out.payout(p) for p in ("D1", "D2", "D3")] == [D("6000.00"), D("3000.00"),
                                                           D("1000.00")]


def test_budget_example_of_the_reference(wh):
    """Budget 100.00 against claims 100, 100, 100 and 50 (total 350): each × 100/350 rounded
    down → 28.57, 28.57, 28.57, 14.28 (99.99); remainders 0.00142…, 0.00142…, 0.00142…,
    0.00571…: the 50 claim's is the largest, it gets the paisa → 14.29; total exactly 100."""
    _sell(wh, ("D1", "O1", "100.00", "10"), ("D2", "O5", "100.00", "10"),
          ("D3", "O7", "100.00", "10"), ("S1", "O8", "50.00", "5"))
    out = run(program("participants: {roles: [distributor, sub_distributor]}\n"
                      "components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    slabs: [{from: 0, per_unit: 10}]\ncaps: {budget: 100}", kpis=UNITS),
              wh)
    paid = [out.payout(p) for p in ("D1", "D2", "D3", "S1")]
    assert paid == [D("28.57"), D("28.57"), D("28.57"), D("14.29")]
    assert sum(paid) == D("100.00")


def test_sales_cap_is_a_share_of_the_participants_own_sales(wh):
    """A fixed 500 per participant, margin guard 2% of sales. D1 sells 30,000 → limit 600 →
    pays 500 (no sales_cap row). D2 sells 12,345.67 → limit 246.9134 → 246.91 → adjustment
    −253.09. D3 sells nothing → limit 0 → −500.00, pays 0.00."""
    _sell(wh, ("D1", "O1", "30000.00"), ("D2", "O5", "12345.67"))
    out = run(program("components:\n  - id: c\n    kpi: value\n    on: actual\n"
                      "    fixed: 500\ncaps: {sales_rate: 0.02, sales_kpi: value}"), wh)
    assert [out.payout(p) for p in ("D1", "D2", "D3")] == [D("500.00"), D("246.91"),
                                                           D("0.00")]
    assert not [r for r in out.components if r["participant_id"] == "D1"
                and r["component"] == "sales_cap"]
    assert out.component("D2", "sales_cap")["amount"] == "-253.09"


def test_rates_and_notes_print_plain_decimals(wh):
    """Numbers written with an exponent in the program (`per_unit: 1e1`, `from: 1.0e4`) are
    printed plainly in the rate column and the notes: `10`, `from 10000`, never `1E+1`.
    D1 sells 12,000 of value, 12 units: 12 × 10 = 120.00, × 2 = 240.00."""
    _sell(wh, ("D1", "O1", "12000.00", "12"))
    kpis = "kpis: [{id: value, kind: volume}, {id: units, kind: volume, measure: quantity}]"
    out = run(program("components:\n  - id: c\n    kpi: value\n    on: actual\n"
                      "    base: units\n    slabs: [{from: 1.0e4, per_unit: 1e1}]\n"
                      "    multipliers: [{when: \"actual(units) > 0\", factor: 2e0}]",
                      kpis=kpis), wh)
    row = out.component("D1", "c")
    assert (row["rate"], row["amount"]) == ("10", "240.00")
    assert row["note"] == "slab 1 of 1 (from 10000); ×2 (actual(units) > 0)"


def test_free_units_of_a_sku_without_a_price_pay_0_with_the_reason(wh):
    """1 free ZZ per 10 units, but ZZ is not in products: the payout is 0.00 (never empty)
    and the note says the SKU has no unit_price."""
    _sell(wh, ("D1", "O1", "1050.00", "105"))
    out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    slabs: [{from: 0, free_units: 0.1}]\n    free: {sku: ZZ}",
                      kpis=UNITS), wh)
    assert out.payout("D1") == D("0.00")
    assert out.component("D1", "c")["amount"] == "0.00"
    assert "ZZ has no unit_price" in out.component("D1", "c")["note"]


def test_eligibility_join_and_leave_boundaries(wh):
    """joined_before 1 Oct over October and November. D1 joined 30 Sep, left 31 Oct →
    October only. D2 joined 1 Oct (not before) → never. D3 no join date, left 1 Nov →
    both months (it left during November). Each earns 10% of its sales: D2's 5,000 never
    paid."""
    dates = {"D1": {"joined_on": dt.date(2026, 9, 30), "left_on": dt.date(2026, 10, 31)},
             "D2": {"joined_on": dt.date(2026, 10, 1)}, "D3": {"left_on": dt.date(2026, 11, 1)}}
    for r in wh.rows["participants"]:
        r.update(dates.get(r["participant_id"], {}))
    _sell(wh, ("D1", "O1", "1000.00"), ("D2", "O5", "5000.00"))
    months = "period: {start: 2026-10-01, end: 2026-10-31, recurrence: {every_months: 1, count: 2}}"
    out = run(program("participants: {joined_before: 2026-10-01}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    on: actual\n    slabs: [{from: 0, rate: 0.1}]",
                      period=months), wh)
    rows = [(r["participant_id"], r["period_start"].isoformat(), r["payout"])
            for r in out.payouts]
    assert rows == [("D1", "2026-10-01", "100.00"), ("D3", "2026-10-01", "0.00"),
                    ("D3", "2026-11-01", "0.00")]


def test_weekly_recurrences_with_catch_up_within_two_weeks(wh):
    """Weekly target 100, fixed 10 when met, catch-up within 2 weeks; four weeks, each its own
    rows (1–7, 8–14, 15–21, 22–28 Oct).
    D1 sells 50, 100, 100, 200: week 1 missed; weeks 1–2 150 < 200, weeks 1–3 250 < 300;
    week 4 is 3 weeks after → lapses: 0, 10, 10, 10.
    D2 sells 50, 100, 200, 0: weeks 1–3 350 ≥ 300 → week 1's 10 released in week 3:
    0, 10, 20, 0. A missed week's note says it is deferred for catch-up."""
    for i, (dist, outlet, amounts) in enumerate((("D1", "O1", (50, 100, 100, 200)),
                                                  ("D2", "O5", (50, 100, 200, 0)))):
        for week, amount in enumerate(amounts):
            if amount:
                wh.sale(f"I{i}{week}", f"2026-10-{3 + 7 * week:02d}", dist, outlet, "A1",
                        "1", f"{amount}.00")
    out = run(program("targets: {value: {fixed: 100}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    fixed: 10\n    catch_up: {within: 2}", period=WEEKS),
              wh)
    weeks = ("2026-10-01", "2026-10-08", "2026-10-15", "2026-10-22")
    assert [r["period_end"].isoformat() for r in out.payouts if r["participant_id"] == "D1"
            ] == ["2026-10-07", "2026-10-14", "2026-10-21", "2026-10-28"]
    assert [out.payout("D1", w) for w in weeks] == [D("0.00"), D("10.00"), D("10.00"),
                                                    D("10.00")]
    assert [out.payout("D2", w) for w in weeks] == [D("0.00"), D("10.00"), D("20.00"),
                                                    D("0.00")]
    assert out.component("D2", "c:catch_up", "2026-10-15")["note"] == (
        "catch-up of the amount missed in period 1")
    assert out.component("D1", "c", "2026-10-01")["note"] == (
        "target not met; deferred for catch-up within 2 period(s)")


def test_csv_files_as_written(wh, tmp_path):
    """The files on disk: the contract's columns first, money with exactly 2 places, rows by
    participant, participants who earn nothing with 0.00 and the reason. Per-unit 0.1 from 10
    units of value: D1 100.00 → 10.00; D2 0.10 → below the first slab; D3 nothing."""
    _sell(wh, ("D1", "O1", "100.00"), ("D2", "O5", "0.10"))
    text = program("components:\n  - id: c\n    kpi: value\n    on: actual\n"
                   "    slabs: [{from: 10, per_unit: 0.1}]")
    prog, _spans, diags = parse_located(textwrap.dedent(text), "t.yaml")
    assert not diags
    data = wh.data()
    result = calculate_program(prog, data)
    write_outputs(result_tables([result]), tmp_path, csv_writer(data.sales.get_backend()))()
    assert (tmp_path / "payouts.csv").read_text().splitlines() == [
        "program_id,participant_id,period_start,period_end,payout",
        "t,D1,2026-10-01,2026-10-31,10.00",
        "t,D2,2026-10-01,2026-10-31,0.00",
        "t,D3,2026-10-01,2026-10-31,0.00"]
    assert (tmp_path / "components.csv").read_text().splitlines() == [
        "program_id,participant_id,component,base,rate,amount,note,period_start,period_end",
        "t,D1,c,100.00,0.1,10.00,slab 1 of 1 (from 10),2026-10-01,2026-10-31",
        "t,D2,c,0.10,,0.00,below the first slab (from 10),2026-10-01,2026-10-31",
        "t,D3,c,0.00,,0.00,below the first slab (from 10),2026-10-01,2026-10-31"]
    assert (tmp_path / "kpis.csv").read_text().splitlines()[0] == (
        "program_id,participant_id,kpi,actual,target,attainment,period_start,period_end")


def test_fixed_on_actual_with_a_target_and_a_cap_of_amount_and_rate(wh):
    """Target 10,000. `fixed: 500` with on: actual pays only when the target is met: D1 (sells
    2,000,000) 500.00, D2 (nothing) 0.00 `target not met`. 10% of value capped at the lower
    of 50,000 (written without decimals) and 3% of value: D1 200,000 → min(50,000, 60,000)
    = 50,000.00."""
    _sell(wh, ("D1", "O1", "2000000.00"))
    out = run(program("targets: {value: {fixed: 10000}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    on: actual\n    fixed: 500\n  - id: d\n"
                      "    kpi: value\n    slabs: [{from: 1, rate: 0.1}]\n"
                      "    cap: {amount: 50000, rate: 0.03, of: value}"), wh)
    assert out.component("D1", "c")["amount"] == "500.00"
    assert (out.component("D2", "c")["amount"], out.component("D2", "c")["note"]) == (
        "0.00", "target not met")
    assert out.component("D1", "d")["amount"] == "50000.00"
    assert out.component("D1", "d")["note"].endswith("; capped at 50000.00")


def test_marginal_free_units_are_rounded_down_once_on_the_component(wh):
    """Marginal free units: 0.1 per unit from 0, 0.3 per unit from 15. D1 buys 20 units:
    15 × 0.1 + 5 × 0.3 = 1.5 + 1.5 = 3 free units of A2 at 10.00 = 30.00 (rounding each band
    down first would give 1 + 1 = 2 → 20.00). D2 buys 14: 1.4 → 1 unit → 10.00."""
    _sell(wh, ("D1", "O1", "200.00", "20"), ("D2", "O5", "140.00", "14"))
    out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    mode: marginal\n    slabs: [{from: 0, free_units: 0.1}, "
                      "{from: 15, free_units: 0.3}]\n    free: {sku: A2}", kpis=UNITS), wh)
    assert out.component("D1", "c")["amount"] == "30.00"
    assert out.component("D2", "c")["amount"] == "10.00"


def test_a_negative_base_pays_0_and_says_why(wh):
    """2% of value once an outlet is billed (slab on billed outlets, base: value).
    D1 sells 1,000 to O1 and takes back 3,000 from O2: 1 outlet billed, value −2,000, so 2%
    would be −40.00; an incentive never charges, so 0.00 with the reason. D2 sells 500 to
    O5: 2% × 500 = 10.00."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "1000.00")
    wh.ret("R1", "2026-10-06", "D1", "O2", "A1", "-3", "-3000.00")
    wh.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "500.00")
    kpis = "kpis: [{id: value, kind: volume}, {id: mbo, kind: billed_outlets}]"
    out = run(program("components:\n  - id: c\n    kpi: mbo\n    on: actual\n    base: value\n"
                      "    slabs: [{from: 1, rate: 0.02}]", kpis=kpis), wh)
    assert out.component("D1", "c")["amount"] == "0.00"
    assert out.component("D1", "c")["note"] == \
        "slab 1 of 1 (from 1); negative base (returns over sales): pays 0"
    assert out.payout("D1") == D("0.00")
    assert out.component("D2", "c")["amount"] == "10.00"
