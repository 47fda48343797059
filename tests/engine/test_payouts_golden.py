"""Golden cases for every payout construct: expected numbers worked out by hand in comments.

Default test network (see conftest): distributors D1, D2, D3 (tier gold) under reps R1/R2 and
manager M1; S1 is D1's sub-distributor; D1's outlets are O1..O4, D2's O5..O6, D3's O7.
"""

from decimal import Decimal as D

from payout_support import run

OCT = "period: {start: 2026-10-01, end: 2026-10-31}"
VALUE = "kpis: [{id: value, kind: volume}]"


def program(body: str, *, kpis: str = VALUE, period: str = OCT) -> str:
    return f"id: t\nname: T\n{period}\n{kpis}\n{body}"


SLABS = """
      - {from: 0, rate: 0.05}
      - {from: 10000, rate: 0.07}
      - {from: 25000, rate: 0.10}"""


def test_step_and_marginal_on_the_same_table(wh):
    """Sales 30,000 on 5% to 10k / 7% to 25k / 10% above.
    marginal: 10,000×5% + 15,000×7% + 5,000×10% = 500 + 1,050 + 500 = 2,050
    step: the reached slab (10%) on the whole 30,000 = 3,000."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "300", "30000.00")
    for mode, expected in (("marginal", D("2050.00")), ("step", D("3000.00"))):
        out = run(program(f"components:\n  - id: c\n    kpi: value\n    on: actual\n"
                          f"    mode: {mode}\n    slabs:{SLABS}"), wh)
        assert out.payout("D1") == expected
        assert out.component("D1", "c")["amount"] == str(expected)


def test_value_exactly_on_a_break_takes_the_higher_slab(wh):
    """Sales exactly 25,000: step pays 10% (the slab starting at 25,000) = 2,500;
    on attainment, actual 25,000 against a target of 25,000 is exactly 1.0 → 2% = 500."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "250", "25000.00")
    out = run(program(f"components:\n  - id: c\n    kpi: value\n    on: actual\n"
                      f"    slabs:{SLABS}"), wh)
    assert out.payout("D1") == D("2500.00")
    out = run(program("targets: {value: {fixed: 25000}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    slabs:\n      - {from: 0.9, rate: 0.01}\n"
                      "      - {from: 1.0, rate: 0.02}"), wh)
    assert out.payout("D1") == D("500.00")
    assert out.kpi("D1", "value")["attainment"] == "1.0000"


def test_curve_interpolates_between_points(wh):
    """Target 100,000; curve 0.02 at 1.0 → 0.04 at 1.2.
    D1 110,000 (attainment 1.1): rate 0.02 + 0.02 × 0.1/0.2 = 0.03 → 3,300.00.
    D2 95,000 (below the first point): 0.  D3 150,000 (past the last): 0.04 × 150,000 = 6,000.
    D1 103,333.33: rate 0.02 + 0.02 × 0.0333333/0.2 = 0.0233333333; × 103,333.33
    = 2,411.1110… → 2,411.11 (exact, half-up)."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "110000.00")
    wh.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "95000.00")
    wh.sale("I3", "2026-10-05", "D3", "O7", "A1", "1", "150000.00")
    body = ("targets: {value: {fixed: 100000}}\ncomponents:\n  - id: c\n    kpi: value\n"
            "    curve:\n      - {x: 1.0, rate: 0.02}\n      - {x: 1.2, rate: 0.04}")
    out = run(program(body), wh)
    assert out.payout("D1") == D("3300.00")
    assert out.payout("D2") == D("0.00")
    assert out.payout("D3") == D("6000.00")
    wh.rows["sales"][0]["net_amount"] = D("103333.33")
    assert run(program(body), wh).payout("D1") == D("2411.11")


def test_hard_cap_on_a_component(wh):
    """3% of 400,000 = 12,000, capped at 10,000 → pays 10,000.00, the note says capped."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "400000.00")
    out = run(program("components:\n  - id: c\n    kpi: value\n    on: actual\n"
                      "    slabs: [{from: 0, rate: 0.03}]\n    cap: {amount: 10000}"), wh)
    assert out.payout("D1") == D("10000.00")
    assert "capped at 10000.00" in out.component("D1", "c")["note"]


def test_cap_as_a_rate_of_another_kpi(wh):
    """A fixed 5,000 bonus capped at 1% of the participant's sales of 200,000 → 2,000."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "200000.00")
    out = run(program("components:\n  - id: c\n    kpi: value\n    on: actual\n"
                      "    slabs: [{from: 0, amount: 5000}]\n    cap: {rate: 0.01, of: value}"),
              wh)
    assert out.payout("D1") == D("2000.00")


def test_early_payment_discount(wh):
    """Invoice 110,000 on 1 Oct paid in full on 9 Oct (day 8): within 10 days → 2% = 2,200."""
    wh.primary("P1", "2026-10-01", "D1", "110000.00")
    wh.pay("Y1", "D1", "P1", "2026-10-09", "110000.00")
    kpis = ("kpis:\n  - id: early\n    kind: early_payment\n    tiers:\n"
            "      - {days: 10, rate: 0.02}\n      - {days: 20, rate: 0.01}")
    out = run(program("components:\n  - id: c\n    kpi: early\n    on: actual\n"
                      "    slabs: [{from: 0, rate: 1}]", kpis=kpis), wh)
    assert out.payout("D1") == D("2200.00")
    assert out.kpi("D1", "early")["actual"] == "2200.00"


def test_budget_scales_payouts_pro_rata(wh):
    """Per-unit 10: D1 60 units (600), D2 30 (300), D3 10 (100) = 1,000; budget 500 → ×0.5:
    300.00, 150.00, 50.00, total exactly 500.00."""
    for inv, dist, outlet, qty in (("I1", "D1", "O1", "60"), ("I2", "D2", "O5", "30"),
                                   ("I3", "D3", "O7", "10")):
        wh.sale(inv, "2026-10-05", dist, outlet, "A1", qty, "100.00")
    kpis = "kpis: [{id: units, kind: volume, measure: quantity}]"
    out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    slabs: [{from: 0, per_unit: 10}]\ncaps: {budget: 500}", kpis=kpis),
              wh)
    assert [out.payout(p) for p in ("D1", "D2", "D3")] == [D("300.00"), D("150.00"),
                                                           D("50.00")]
    assert out.component("D1", "budget")["amount"] == "-300.00"


def test_budget_leftover_paise_go_to_the_largest_remainders_then_by_id(wh):
    """Three payouts of 100 on a budget of 200: each exactly 66.666…; rounded down 66.66 × 3
    = 199.98, the 2 paise left go to the first two by participant id (equal remainders):
    D1 66.67, D2 66.67, D3 66.66 — total 200.00."""
    for inv, dist, outlet in (("I1", "D1", "O1"), ("I2", "D2", "O5"), ("I3", "D3", "O7")):
        wh.sale(inv, "2026-10-05", dist, outlet, "A1", "10", "100.00")
    kpis = "kpis: [{id: units, kind: volume, measure: quantity}]"
    out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                      "    slabs: [{from: 0, per_unit: 10}]\ncaps: {budget: 200}", kpis=kpis),
              wh)
    assert [out.payout(p) for p in ("D1", "D2", "D3")] == [D("66.67"), D("66.67"),
                                                           D("66.66")]


CATCH_UP = """
period:
  start: 2026-08-01
  end: 2026-08-31
  recurrence: {every_months: 1, count: 3}
"""


def test_catch_up_released_in_the_next_recurrence(wh):
    """Monthly target 10,000, fixed 1,000 when met, catch-up within 1 period.
    D1: Aug 8,000 (missed: 1,000 owed), Sep 12,000 (met; Aug+Sep = 20,000 ≥ 20,000 → the
    owed 1,000 is released in Sep), Oct nothing (missed, nothing later to release it).
    Payouts: Aug 0, Sep 1,000 + 1,000 = 2,000, Oct 0.
    D2: Aug 8,000 (missed), Sep 11,000 (met, but Aug+Sep = 19,000 < 20,000), Oct 13,000 (met;
    Aug..Oct 32,000 ≥ 30,000 but Oct is 2 periods after Aug, beyond `within: 1`) → no release:
    Aug 0, Sep 1,000, Oct 1,000."""
    for inv, date, dist, outlet, amount in (
            ("I1", "2026-08-10", "D1", "O1", "8000.00"), ("I2", "2026-09-10", "D1", "O1",
                                                          "12000.00"),
            ("I3", "2026-08-10", "D2", "O5", "8000.00"), ("I4", "2026-09-10", "D2", "O5",
                                                          "11000.00"),
            ("I5", "2026-10-10", "D2", "O5", "13000.00")):
        wh.sale(inv, date, dist, outlet, "A1", "1", amount)
    body = ("targets: {value: {fixed: 10000}}\ncomponents:\n  - id: c\n    kpi: value\n"
            "    fixed: 1000\n    catch_up: {within: 1}")
    out = run(program(body, period=CATCH_UP), wh)
    assert [out.payout("D1", m) for m in ("2026-08-01", "2026-09-01", "2026-10-01")] == [
        D("0.00"), D("2000.00"), D("0.00")]
    assert out.component("D1", "c:catch_up", "2026-09-01")["amount"] == "1000.00"
    assert [out.payout("D2", m) for m in ("2026-08-01", "2026-09-01", "2026-10-01")] == [
        D("0.00"), D("1000.00"), D("1000.00")]


def test_mbo_with_min_value(wh):
    """Billed outlets with min_value 500 in October: O1 600 (yes), O2 400 (no), O3 exactly 500
    (yes), O4 700 invoiced − 300 returned = 400 net (no) → 2 outlets × 100 per outlet = 200."""
    wh.sale("I1", "2026-10-02", "D1", "O1", "A1", "6", "600.00")
    wh.sale("I2", "2026-10-02", "D1", "O2", "A1", "4", "400.00")
    wh.sale("I3", "2026-10-02", "D1", "O3", "A1", "5", "500.00")
    wh.sale("I4", "2026-10-02", "D1", "O4", "A1", "7", "700.00")
    wh.ret("R4", "2026-10-09", "D1", "O4", "A1", "-3", "-300.00")
    kpis = "kpis: [{id: mbo, kind: billed_outlets, min_value: 500}]"
    out = run(program("components:\n  - id: c\n    kpi: mbo\n    on: actual\n"
                      "    slabs: [{from: 1, per_unit: 100}]", kpis=kpis), wh)
    assert out.kpi("D1", "mbo")["actual"] == "2"
    assert out.payout("D1") == D("200.00")


def test_reactivated_outlets_between_90_and_180_days(wh):
    """Window 1 Oct. O1 last billed 2 Jul (91 days before: inactive ≥ 90) → reactivated;
    O2 last billed 3 Jul (inside the 90 days) → no; O3 last billed 4 Apr (180 days before,
    within the 180-day maximum) → reactivated; O4 last billed 3 Apr (181 days) → no.
    All four billed again on 5 Oct. 2 reactivated × 300 = 600."""
    for outlet, last in (("O1", "2026-07-02"), ("O2", "2026-07-03"), ("O3", "2026-04-04"),
                         ("O4", "2026-04-03")):
        wh.sale(f"H{outlet}", last, "D1", outlet, "A1", "1", "100.00")
        wh.sale(f"N{outlet}", "2026-10-05", "D1", outlet, "A1", "1", "100.00")
    kpis = ("kpis: [{id: back, kind: reactivated_outlets, inactive_min_days: 90, "
            "inactive_max_days: 180}]")
    out = run(program("components:\n  - id: c\n    kpi: back\n    on: actual\n"
                      "    slabs: [{from: 1, per_unit: 300}]", kpis=kpis), wh)
    assert out.kpi("D1", "back")["actual"] == "2"
    assert out.payout("D1") == D("600.00")


def test_per_unit_and_fixed_amount_slabs(wh):
    """Quantity 120: step per-unit slabs 1.50 from 0, 2.00 from 100 → 120 × 2.00 = 240;
    fixed-amount slabs 500 from 50, 900 from 100 → 900. Total 1,140."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "120", "1200.00")
    kpis = "kpis: [{id: units, kind: volume, measure: quantity}]"
    out = run(program("components:\n  - id: per\n    kpi: units\n    on: actual\n"
                      "    slabs: [{from: 0, per_unit: 1.5}, {from: 100, per_unit: 2}]\n"
                      "  - id: fix\n    kpi: units\n    on: actual\n"
                      "    slabs: [{from: 50, amount: 500}, {from: 100, amount: 900}]",
                      kpis=kpis), wh)
    assert out.component("D1", "per")["amount"] == "240.00"
    assert out.component("D1", "fix")["amount"] == "900.00"
    assert out.payout("D1") == D("1140.00")


def test_free_units_rounded_down(wh):
    """105 units with 1 free per 10 (free_units 0.1) = 10.5 → 10 whole units of A2 at its
    unit price 10.00 = 100.00; rounding nearest would give 11 → 110.00."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "105", "1050.00")
    kpis = "kpis: [{id: units, kind: volume, measure: quantity}]"
    for rounding, expected in (("down", "100.00"), ("nearest", "110.00")):
        out = run(program("components:\n  - id: c\n    kpi: units\n    on: actual\n"
                          "    slabs: [{from: 0, free_units: 0.1}]\n"
                          f"    free: {{sku: A2, rounding: {rounding}}}", kpis=kpis), wh)
        assert out.payout("D1") == D(expected)


def test_gate_and_multiplier(wh):
    """Target 10,000; 1% of value when attainment ≥ 1, ×1.5 when attainment ≥ 1.2, gated on
    billed outlets ≥ 2. D1: 12,000 from two outlets → 120 × 1.5 = 180.00.
    D2: 12,000 from one outlet → gate fails → 0 with the gate in the note."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "6000.00")
    wh.sale("I2", "2026-10-05", "D1", "O2", "A1", "1", "6000.00")
    wh.sale("I3", "2026-10-05", "D2", "O5", "A1", "1", "12000.00")
    kpis = "kpis: [{id: value, kind: volume}, {id: mbo, kind: billed_outlets}]"
    out = run(program("targets: {value: {fixed: 10000}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    slabs: [{from: 1, rate: 0.01}]\n"
                      "    gate: \"actual(mbo) >= 2\"\n"
                      "    multipliers: [{when: \"attainment(value) >= 1.2\", factor: 1.5}]",
                      kpis=kpis), wh)
    assert out.payout("D1") == D("180.00")
    assert out.payout("D2") == D("0.00")
    assert out.component("D2", "c")["note"] == "gate failed: actual(mbo) >= 2"


def test_weighted_scorecard(wh):
    """Scorecard 50% value + 50% outlets, each counted up to 1.2.
    D1: value 15,000 / 10,000 = 1.5 → capped 1.2; outlets 1 / 2 = 0.5 → score 0.6 + 0.25
    = 0.85 → below the 0.9 slab → 0.  D2: value 10,000 (1.0), outlets 2/2 (1.0) → score 1.0
    → 1% of value 10,000 = 100.00."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "15000.00")
    wh.sale("I2", "2026-10-05", "D2", "O5", "A1", "1", "5000.00")
    wh.sale("I3", "2026-10-05", "D2", "O6", "A1", "1", "5000.00")
    kpis = "kpis: [{id: value, kind: volume}, {id: mbo, kind: billed_outlets}]"
    out = run(program("targets: {value: {fixed: 10000}, mbo: {fixed: 2}}\ncomponents:\n"
                      "  - id: c\n    scorecard:\n      - {kpi: value, weight: 0.5, cap: 1.2}\n"
                      "      - {kpi: mbo, weight: 0.5, cap: 1.2}\n    base: value\n"
                      "    slabs: [{from: 0.9, rate: 0.005}, {from: 1.0, rate: 0.01}]",
                      kpis=kpis), wh)
    assert out.payout("D1") == D("0.00")
    assert out.payout("D2") == D("100.00")


def test_participant_and_sales_caps(wh):
    """10% of value. D1 sells 100,000 → 10,000, participant cap 8,000 → 8,000.
    With a margin guard of 5% of sales instead: 5,000. Both: the lower, 5,000."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "100000.00")
    comp = ("components:\n  - id: c\n    kpi: value\n    on: actual\n"
            "    slabs: [{from: 0, rate: 0.1}]\n")
    assert run(program(comp + "caps: {participant: 8000}"), wh).payout("D1") == D("8000.00")
    out = run(program(comp + "caps: {sales_rate: 0.05, sales_kpi: value}"), wh)
    assert out.payout("D1") == D("5000.00")
    assert out.component("D1", "sales_cap")["amount"] == "-5000.00"
    both = run(program(comp + "caps: {participant: 8000, sales_rate: 0.05, sales_kpi: value}"),
               wh)
    assert both.payout("D1") == D("5000.00")


def test_history_target_with_uplift_floor_and_rounding(wh):
    """Target = September's value × (1 + uplift by tier: gold 0.10), at least 5,000, rounded
    up to a multiple of 1,000. D1: Sep 12,340 × 1.10 = 13,574 → 14,000. D2: Sep 1,000 × 1.1 =
    1,100 → floor 5,000. D3: no September sales → 0 → floor 5,000."""
    wh.sale("I1", "2026-09-10", "D1", "O1", "A1", "1", "12340.00")
    wh.sale("I2", "2026-09-10", "D2", "O5", "A1", "1", "1000.00")
    wh.sale("I3", "2026-10-10", "D1", "O1", "A1", "1", "14000.00")
    body = ("targets:\n  value:\n    history: {basis: previous_period}\n"
            "    uplift: {default: 0.05, by: tier, values: {gold: 0.10}}\n    floor: 5000\n"
            "    round: {to: 1000, mode: up}\ncomponents:\n  - id: c\n    kpi: value\n"
            "    slabs: [{from: 1, amount: 100}]")
    out = run(program(body), wh)
    assert [out.kpi(p, "value")["target"] for p in ("D1", "D2", "D3")] == [
        "14000.00", "5000.00", "5000.00"]
    assert out.payout("D1") == D("100.00")


def test_eligibility_filters(wh):
    """roles distributor, where tier = 'gold' (all three), exclude D3, include S1 (a
    sub-distributor, outside the roles): D1, D2 and S1 take part; R1, M1, D3 never appear."""
    wh.sale("I1", "2026-10-05", "D3", "O7", "A1", "1", "1000.00")
    out = run(program("participants: {roles: [distributor], where: \"tier = 'gold'\", "
                      "exclude: [D3], include: [S1]}\ncomponents:\n  - id: c\n    kpi: value\n"
                      "    on: actual\n    slabs: [{from: 0, rate: 0.1}]"), wh)
    assert out.participants == {"D1", "D2", "S1"}


def test_no_target_pays_nothing_and_says_why(wh):
    """A component on attainment whose target comes from an empty targets table pays 0 with
    the note "no target", and the participant still appears."""
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "1000.00")
    out = run(program("targets: {value: {from_table: true}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    slabs: [{from: 0, rate: 0.1}]"), wh)
    assert out.payout("D1") == D("0.00")
    assert out.component("D1", "c")["note"] == "no target"
    assert out.kpi("D1", "value")["target"] is None


def test_as_of_gives_attainment_so_far(wh):
    """As of 15 Oct only sales up to the 15th count: 4,000 of 10,000 → attainment 0.4."""
    import datetime as dt

    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "4000.00")
    wh.sale("I2", "2026-10-20", "D1", "O1", "A1", "1", "6000.00")
    out = run(program("targets: {value: {fixed: 10000}}\ncomponents:\n  - id: c\n"
                      "    kpi: value\n    slabs: [{from: 1, amount: 100}]"), wh,
              as_of=dt.date(2026, 10, 15))
    assert out.kpi("D1", "value")["attainment"] == "0.4000"
    assert out.payouts[0]["period_end"] == dt.date(2026, 10, 15)


def test_uplift_keeps_its_decimals_and_attainment_is_rounded_once(wh):
    """September 100,000 × (1 + 0.125) = 112,500 (not 113,000: the uplift is not rounded).
    October 104,510.50 / 112,500 = 0.928982… → attainment 0.9290; and a fixed target of
    378,000 against 351,142.99 = 0.9289497… → 0.9289 (rounding 0.928950 again would give
    0.9290)."""
    wh.sale("I1", "2026-09-10", "D1", "O1", "A1", "1", "100000.00")
    wh.sale("I2", "2026-10-10", "D1", "O1", "A1", "1", "104510.50")
    wh.sale("I3", "2026-10-10", "D2", "O5", "A1", "1", "351142.99")
    kpis = "kpis: [{id: value, kind: volume}, {id: v2, kind: volume}]"
    out = run(program("targets:\n  value: {history: {basis: previous_period}, "
                      "uplift: {default: 0.125}}\n  v2: {fixed: 378000}\ncomponents:\n"
                      "  - id: c\n    kpi: value\n    slabs: [{from: 1, amount: 1}]",
                      kpis=kpis), wh)
    assert out.kpi("D1", "value")["target"] == "112500.00"
    assert out.kpi("D1", "value")["attainment"] == "0.9290"
    assert out.kpi("D2", "v2")["attainment"] == "0.9289"
