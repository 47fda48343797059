"""Golden cases for derived KPIs (`kind: formula`), on DuckDB and Spark; numbers by hand.

Default test network (see conftest): distributors D1, D2, D3 under reps R1/R2 and manager M1.
Sales in October 2026 (secondary): D1 sells A1 (premium) 1.00 and A2 (core) 15.00 → premium
1.00 of value 16.00, and buys 100.50 (primary); D2 sells A1 50.00 → premium 50.00 of 50.00;
D3 sells nothing.
"""

from decimal import Decimal as D

import pytest
from payout_support import run

from schemeops.engine.explain import explain
from schemeops.engine.formula import NOTE_DIVIDED_BY_ZERO
from schemeops.engine.kpis import KpiError
from schemeops.program.parse import parse_located

KPIS = """\
kpis:
  - {id: value, kind: volume}
  - {id: premium, kind: volume, products: "segment = 'premium'"}
  - {id: bought, kind: volume, source: primary}
  - {id: share, kind: formula, expr: "premium / value", places: 3}
  - {id: share_pct, kind: formula, expr: "share * 100", places: 2}
  - {id: total, kind: formula, expr: "value + bought", places: 2}
"""


def program(body: str, *, kpis: str = KPIS) -> str:
    return f"id: t\nname: T\nperiod: {{start: 2026-10-01, end: 2026-10-31}}\n{kpis}{body}"


def sales(wh) -> None:
    wh.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "1.00")
    wh.sale("I1", "2026-10-05", "D1", "O1", "A2", "1", "15.00")
    wh.primary("P1", "2026-10-06", "D1", "100.50")
    wh.sale("I2", "2026-10-07", "D2", "O5", "A1", "5", "50.00")


ON_ACTUAL = "components:\n  - id: c\n    kpi: total\n    on: actual\n    fixed: 1\n"


@pytest.fixture
def outcome(wh2):
    sales(wh2)
    return run(program(ON_ACTUAL), wh2)


def test_ratio_of_two_kpis_is_rounded_half_up_once(outcome):
    """share = premium ÷ value: D1 1.00 ÷ 16.00 = 0.0625 exactly → 0.063 at 3 places (half
    up; half-even would give 0.062); D2 50.00 ÷ 50.00 = 1.000."""
    assert outcome.kpi("D1", "share")["actual"] == "0.063"
    assert outcome.kpi("D2", "share")["actual"] == "1.000"


def test_sum_of_two_kpis(outcome):
    """total = value + bought: D1 16.00 + 100.50 = 116.50; D2 50.00 + 0 = 50.00."""
    assert outcome.kpi("D1", "total")["actual"] == "116.50"
    assert outcome.kpi("D2", "total")["actual"] == "50.00"


def test_formula_of_a_formula_reads_its_rounded_actual(outcome):
    """share_pct = share × 100 reads share's actual 0.063 (not the exact 0.0625): D1 6.30
    (6.25 would come from the exact value); D2 1.000 × 100 = 100.00."""
    assert outcome.kpi("D1", "share_pct")["actual"] == "6.30"
    assert outcome.kpi("D2", "share_pct")["actual"] == "100.00"


def test_division_by_zero_gives_an_empty_actual_and_pays_0(wh2):
    """D3 sold nothing: share = 0 ÷ 0 is empty, and so is share_pct (which reads it); the
    component on share pays 0 with the note, where D2 (share 1.000) is paid its 10."""
    sales(wh2)
    out = run(program("targets: {share: {fixed: 0.5}}\ncomponents:\n  - id: c\n"
                      "    kpi: share\n    on: actual\n    slabs: [{from: 0, amount: 10}]\n"),
              wh2)
    for kpi in ("share", "share_pct"):
        row = out.kpi("D3", kpi)
        assert (row["actual"], row["attainment"]) == (None, None)
    assert out.kpi("D3", "share")["target"] == "0.50"
    comp = out.component("D3", "c")
    assert (comp["amount"], comp["note"]) == ("0.00", NOTE_DIVIDED_BY_ZERO.format(kpi="share"))
    assert comp["note"] == "formula share divided by zero: pays 0"
    assert out.payout("D3") == D("0.00")
    assert out.payout("D2") == D("10.00")
    assert out.kpi("D3", "total")["actual"] == "0.00"  # no division: 0 + 0


def test_slabs_on_a_formula_with_a_fixed_target(wh2):
    """Target of share 0.5; slabs on attainment, rate of `value`: 1% from 0.1, 2% from 1.0.
    D1: 0.063 ÷ 0.5 = 0.126 → 1% × 16.00 = 0.16.  D2: 1.000 ÷ 0.5 = 2.0 → 2% × 50.00 = 1.00.
    D3: share empty → 0.00 with the note."""
    sales(wh2)
    out = run(program("targets: {share: {fixed: 0.5}}\ncomponents:\n  - id: mix\n"
                      "    kpi: share\n    base: value\n    slabs:\n"
                      "      - {from: 0.1, rate: 0.01}\n      - {from: 1.0, rate: 0.02}\n"),
              wh2)
    assert out.kpi("D1", "share")["attainment"] == "0.1260"
    assert out.payout("D1") == D("0.16")
    assert out.payout("D2") == D("1.00")
    assert out.kpi("D2", "share")["attainment"] == "2.0000"
    assert out.component("D3", "mix")["note"] == "formula share divided by zero: pays 0"
    assert out.payout("D3") == D("0.00")


def test_target_from_the_table_on_a_formula(wh2):
    """D1's target for total is 100 (from the table): 116.50 ÷ 100 = 1.165 → the 50 slab;
    D2 has no row in the table: no target, pays 0."""
    sales(wh2)
    wh2.rows["targets"].append({"program_id": "t", "participant_id": "D1", "kpi": "total",
                                "target": D("100.00")})
    out = run(program("targets: {total: {from_table: true}}\ncomponents:\n  - id: c\n"
                      "    kpi: total\n    slabs: [{from: 1.0, amount: 50}]\n"), wh2)
    assert out.kpi("D1", "total")["attainment"] == "1.1650"
    assert out.payout("D1") == D("50.00")
    assert out.component("D2", "c")["note"] == "no target"


def test_mixed_fractions_and_negative_values_stay_exact(wh2):
    """(premium − value) ÷ value + bought ÷ 3 at 4 places, all exact until one rounding:
    D1 (1.00 − 16.00) ÷ 16.00 + 100.50 ÷ 3 = −0.9375 + 33.5 = 32.5625 (exact) → 32.5625;
    D2 (50 − 50) ÷ 50 + 0 ÷ 3 = 0.0000.
    And −premium ÷ 16 for D1: −1.00 ÷ 16 = −0.0625 → −0.063 at 3 places (half away from 0)."""
    sales(wh2)
    kpis = KPIS + ('  - {id: mixed, kind: formula, expr: "(premium - value) / value + bought / 3",'
                   ' places: 4}\n'
                   '  - {id: neg, kind: formula, expr: "-premium / 16", places: 3}\n')
    out = run(program(ON_ACTUAL, kpis=kpis), wh2)
    assert out.kpi("D1", "mixed")["actual"] == "32.5625"
    assert out.kpi("D2", "mixed")["actual"] == "0.0000"
    assert out.kpi("D1", "neg")["actual"] == "-0.063"


def test_explain_shows_the_formula_and_an_empty_actual(wh):
    """explain prints each formula with its expression; D3's empty share says so, and its
    component has no next step (there is no actual to close a gap from)."""
    sales(wh)
    p, _spans, problems = parse_located(program(
        "targets: {share: {fixed: 0.5}}\ncomponents:\n  - id: c\n    kpi: share\n"
        "    slabs: [{from: 0.1, amount: 10}, {from: 1.0, amount: 20}]\n"), "f.yaml")
    assert not problems, problems
    data = wh.data()
    con = data.sales.get_backend()
    (d1,) = explain(p, data, con, "D1")
    text = d1.render()
    assert "  share: actual 0.063 (formula: premium / value), target 0.50" in text
    assert "    next: raise share by 0.437 to reach 1.0 attainment" in text  # 0.5 − 0.063
    (d3,) = explain(p, data, con, "D3")
    text = d3.render()
    assert "  share: actual empty (formula: premium / value), target 0.50" in text
    assert "  c: 0.00 — formula share divided by zero: pays 0" in text
    assert "next:" not in text


def test_a_sales_cap_on_an_empty_formula_caps_the_payout_at_0(wh2):
    """A fixed 5 on `value`, sales cap 10% of share: D2 share 1.000 → cap 0.10 → pays 0.10;
    D3 share empty → cap 0.00 → pays 0.00."""
    sales(wh2)
    out = run(program("components:\n  - {id: c, kpi: value, on: actual, fixed: 5}\n"
                      "caps: {sales_rate: 0.1, sales_kpi: share}\n"), wh2)
    assert out.payout("D2") == D("0.10")
    assert out.payout("D3") == D("0.00")


def test_a_product_needing_more_than_12_places_is_refused_naming_the_formula(wh):
    """share (3 places) × 0.0000001 (7) × 0.001 (3) needs 13 places: calc stops, naming it."""
    kpis = KPIS + '  - {id: tiny, kind: formula, expr: "share * 0.0000001 * 0.001", places: 6}\n'
    with pytest.raises(KpiError, match="formula `tiny` needs 13 decimal places"):
        run(program(ON_ACTUAL, kpis=kpis), wh)
