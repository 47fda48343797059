"""Golden cases for strict thresholds, exact attainment in conditions, money curves, shares of
a target incentive and free goods per lot (issue 9), on DuckDB and Spark; expected numbers
worked out by hand in each docstring.

Default test network (see conftest): distributors D1, D2, D3; products' unit_price is 10.00.
"""

from decimal import Decimal as D

from payout_support import run

OCT = "period: {start: 2026-10-01, end: 2026-10-31}"
VALUE = "kpis: [{id: value, kind: volume}]"
UNITS = "kpis: [{id: units, kind: volume, measure: quantity}]"


def program(body: str, *, kpis: str = VALUE) -> str:
    return f"id: t\nname: T\n{OCT}\n{kpis}\n{body}"


def incentive_row(wh, pid: str, amount: str, component: str = "c") -> None:
    """A targets-table row holding `pid`'s target incentive for component `component`."""
    wh.rows["targets"].append({"program_id": "t", "participant_id": pid, "kpi": component,
                               "target": D(amount)})


def test_above_is_strict_and_from_is_not(wh2):
    """Target 1,000,000. D1 sells 950,001.00: attainment 0.950001; D2 sells 950,000.00:
    exactly 0.95. `above: 0.95` pays 1,000 to D1 only (0.95 is not above 0.95);
    `from: 0.95` pays 1,000 to both (a break exactly met is reached)."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "950001.00")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "950000.00")
    body = ("targets: {value: {fixed: 1000000}}\ncomponents:\n  - id: c\n    kpi: value\n"
            "    slabs: [{KEY: 0.95, amount: 1000}]")
    above = run(program(body.replace("KEY", "above")), wh2)
    assert above.payout("D1") == D("1000.00")
    assert above.component("D1", "c")["note"] == "slab 1 of 1 (above 0.95)"
    assert above.payout("D2") == D("0.00")
    assert above.component("D2", "c")["note"] == "below the first slab (above 0.95)"
    at = run(program(body.replace("KEY", "from")), wh2)
    assert (at.payout("D1"), at.payout("D2")) == (D("1000.00"), D("1000.00"))


def test_above_on_actual_and_on_a_curve_point(wh2):
    """On actual: `above: 10000` at 5 % pays D1 (10,000.01 → 500.00 half-up from 500.0005)
    and not D2 (exactly 10,000). A curve starting `above: 10000` (rate 0.01, to 0.03 at
    20,000) pays D2 nothing at exactly 10,000, and D1 10,000.01 × (0.01 + 0.02 × 0.01 /
    10,000) = 10,000.01 × 0.01000002 = 100.0003… → 100.00."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "10000.01")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "10000.00")
    out = run(program("components:\n  - id: c\n    kpi: value\n    on: actual\n"
                      "    slabs: [{above: 10000, rate: 0.05}]\n  - id: k\n    kpi: value\n"
                      "    on: actual\n    curve: [{above: 10000, rate: 0.01}, "
                      "{x: 20000, rate: 0.03}]"), wh2)
    assert out.component("D1", "c")["amount"] == "500.00"
    assert out.component("D2", "c")["amount"] == "0.00"
    assert out.component("D1", "k")["amount"] == "100.00"
    assert out.component("D2", "k")["amount"] == "0.00"


def test_conditions_compare_exact_attainment(wh2):
    """Target 40,000,000. D1 sells 40,000,001.00: attainment 1.000000025, which is 1.000000
    at 6 places, so a rounded comparison would fail it. The gate `attainment(value) > 1`
    passes: 40,000,001.00 > 1 × 40,000,000 → 1% of value = 400,000.01 (half-up of
    400,000.0100), × 2 by the multiplier `attainment(value) between 1.00000002 and 2`
    (1.000000025 is inside) = 800,000.02; the program gate `not attainment(value) <= 1`
    holds. D2 sells exactly 40,000,000.00: attainment 1, not > 1 → the gate fails, 0.
    kpis.csv still prints attainment to 4 places: 1.0000 for both."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "40000001.00")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "40000000.00")
    out = run(program("targets: {value: {fixed: 40000000}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    on: actual\n    slabs: [{from: 0, rate: 0.01}]\n"
                      "    gate: \"attainment(value) > 1\"\n"
                      "    multipliers: [{when: \"attainment(value) between 1.00000002 and 2\","
                      " factor: 2}]\ngate: \"not attainment(value) <= 1\""), wh2)
    assert out.component("D1", "c")["amount"] == "800000.02"
    assert out.payout("D1") == D("800000.02")
    assert out.component("D2", "c")["note"] == "gate failed: attainment(value) > 1"
    assert out.payout("D2") == D("0.00")
    assert [out.kpi(p, "value")["attainment"] for p in ("D1", "D2")] == ["1.0000", "1.0000"]


def test_curve_of_amounts_interpolates_money(wh2):
    """Curve 20,000 at 1,000,000 → 40,000 at 1,600,000, on actual.
    D1 1,300,000: 20,000 + 20,000 × 300,000 / 600,000 = 30,000.00 (a rate curve paid
    rate × base: 29,250). D2 1,000,001.00: 20,000 + 20,000 × 1.00 / 600,000 = 20,000.0333…
    → 20,000.03. D3 2,000,000 (past the last point): 40,000.00. S1 999,999.99 (below): 0."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "1300000.00")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "1000001.00")
    wh2.sale("I3", "2026-10-05", "D3", "O7", "A1", "1", "2000000.00")
    wh2.sale("I4", "2026-10-05", "S1", "O8", "A1", "1", "999999.99")
    out = run(program("participants: {roles: [distributor, sub_distributor]}\n"
                      "components:\n  - id: c\n    kpi: value\n    on: actual\n    curve:\n"
                      "      - {x: 1000000, amount: 20000}\n"
                      "      - {x: 1600000, amount: 40000}"), wh2)
    assert out.payout("D1") == D("30000.00")
    assert out.payout("D2") == D("20000.03")
    assert out.payout("D3") == D("40000.00")
    assert out.component("D3", "c")["note"] == (
        "at or past the curve's last point: amount 40000 (actual 2000000.00)")
    assert out.payout("S1") == D("0.00")


STEP_PCT = """
    slabs:
      - {from: 0.9, pct_of_incentive: 0.5}
      - {from: 1.0, pct_of_incentive: 1.0}
      - {from: 1.2, pct_of_incentive: 1.5}"""


def test_pct_of_incentive_step(wh2):
    """Target 100,000. D1 sells 110,000 (attainment 1.1: the 1.0 slab), D2 125,000 (1.25:
    the 1.5 slab). Fixed target incentive 50,000: D1 1.0 × 50,000 = 50,000.00, D2 1.5 ×
    50,000 = 75,000.00. From the targets table (D1 60,000, D2 30,000, D3 none): D1
    60,000.00, D2 1.5 × 30,000 = 45,000.00, D3 0 with note "no target incentive"."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "110000.00")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "125000.00")
    wh2.sale("I3", "2026-10-05", "D3", "O7", "A1", "1", "125000.00")
    incentive_row(wh2, "D1", "60000")
    incentive_row(wh2, "D2", "30000")
    head = "targets: {value: {fixed: 100000}}\ncomponents:\n  - id: c\n    kpi: value\n"
    fixed = run(program(head + "    target_incentive: {fixed: 50000}" + STEP_PCT), wh2)
    assert (fixed.payout("D1"), fixed.payout("D2")) == (D("50000.00"), D("75000.00"))
    assert fixed.component("D2", "c")["rate"] == "1.5"
    table = run(program(head + "    target_incentive: {from_table: true}" + STEP_PCT), wh2)
    assert (table.payout("D1"), table.payout("D2")) == (D("60000.00"), D("45000.00"))
    assert table.payout("D3") == D("0.00")
    assert table.component("D3", "c")["note"] == "no target incentive"


def test_pct_of_incentive_marginal_bands_of_attainment(wh2):
    """Target 100,000; bands of attainment: 1.0 of the incentive per unit of attainment up to
    1.0, then 1.5 above. Incentives from the table: D1 50,000, D2 30,000, D3 10,000.
    D1 120,000 (attainment 1.2): (1.0 × 1.0 + 0.2 × 1.5) × 50,000 = 1.3 × 50,000 = 65,000.00.
    D2 80,000 (0.8): 0.8 × 1.0 × 30,000 = 24,000.00.
    D3 33,333.33 (0.3333333): 33,333.33 / 100,000 × 10,000 = 3,333.333 → 3,333.33."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "120000.00")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "80000.00")
    wh2.sale("I3", "2026-10-05", "D3", "O7", "A1", "1", "33333.33")
    for pid, amount in (("D1", "50000"), ("D2", "30000"), ("D3", "10000")):
        incentive_row(wh2, pid, amount, component="bands")
    out = run(program("targets: {value: {fixed: 100000}}\ncomponents:\n  - id: bands\n"
                      "    kpi: value\n    mode: marginal\n"
                      "    target_incentive: {from_table: true}\n    slabs:\n"
                      "      - {from: 0, pct_of_incentive: 1.0}\n"
                      "      - {from: 1.0, pct_of_incentive: 1.5}"), wh2)
    assert out.payout("D1") == D("65000.00")
    assert out.payout("D2") == D("24000.00")
    assert out.payout("D3") == D("3333.33")
    assert out.component("D1", "bands")["rate"] == "1.0 from 0, 1.5 from 1.0"


def test_free_goods_per_whole_lot(wh2):
    """lot 12, free 2 of A2 (unit_price 10.00). D1 30 units: floor(30 ÷ 12) × 2 = 4 free
    units → 40.00. D2 36 units: 3 lots → 6 units → 60.00. D3 11 units: no whole lot → 0.00."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "30", "300.00")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "36", "360.00")
    wh2.sale("I3", "2026-10-05", "D3", "O7", "A1", "11", "110.00")
    out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    slabs: [{from: 0, lot: 12, free: 2}]\n    free: {sku: A2}",
                      kpis=UNITS), wh2)
    assert out.payout("D1") == D("40.00")
    assert out.component("D1", "c")["rate"] == "2 per 12"
    assert out.payout("D2") == D("60.00")
    assert out.payout("D3") == D("0.00")


def test_marginal_lots_count_whole_lots_per_band(wh2):
    """Marginal lots of A2 (10.00): 1 free per 12 up to 24 units, 2 free per 12 above.
    D1 50 units: band 0–24 holds 24 → 2 lots → 2 units; band 24–50 holds 26 → 2 whole lots →
    4 units; 6 units → 60.00. D2 23 units: 1 lot → 1 unit → 10.00."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "50", "500.00")
    wh2.sale("I2", "2026-10-05", "D2", "O5", "A1", "23", "230.00")
    out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    mode: marginal\n    slabs: [{from: 0, lot: 12, free: 1}, "
                      "{from: 24, lot: 12, free: 2}]\n    free: {sku: A2}", kpis=UNITS), wh2)
    assert out.payout("D1") == D("60.00")
    assert out.payout("D2") == D("10.00")
    assert out.component("D1", "c")["rate"] == "1 per 12 from 0, 2 per 12 from 24"
