"""Golden cases for explanations.csv: the typed rows of a calculation, with the numbers worked
out by hand in each docstring, on DuckDB and on Spark (`wh2`), and the story told from them.

Default test network (see conftest): distributors D1, D2, D3; D1's outlets are O1..O4.
"""

import textwrap
from decimal import Decimal as D

from schemeops.engine.output import EXPLANATION_COLUMNS, result_tables
from schemeops.engine.runner import calculate_program
from schemeops.engine.story import Explanation, Row, stories
from schemeops.program.check import check_program
from schemeops.program.parse import parse_located

OCT = "period: {start: 2026-10-01, end: 2026-10-31}"


def explained(yaml_text: str, wh) -> list[Row]:
    """Check and calculate the program on `wh`; its explanations.csv rows as the file has
    them (text), typed."""
    program, spans, diags = parse_located(textwrap.dedent(yaml_text), "t.yaml")
    assert program is not None and not diags, [d.render() for d in diags]
    assert not check_program(program, spans)
    t = result_tables([calculate_program(program, wh.data())])["explanations"]
    assert tuple(t.columns) == EXPLANATION_COLUMNS
    return [Row.of({k: "" if v is None else str(v) for k, v in r.items()})
            for r in t.to_pyarrow().to_pylist()]


def one(rows: list[Row], pid: str, row: str, *, component: str | None = None,
        kpi: str | None = None, period_no: int = 1) -> Row:
    found = [r for r in rows if r.participant_id == pid and r.row == row
             and r.period_no == period_no and (component is None or r.component == component)
             and (kpi is None or r.kpi == kpi)]
    assert len(found) == 1, found
    return found[0]


def story(rows: list[Row], pid: str, period_no: int = 1) -> Explanation:
    (e,) = [e for e in stories(r for r in rows if r.participant_id == pid
                               and r.period_no == period_no)]
    return e


SLABS = f"""id: t
name: T
{OCT}
kpis: [{{id: value, kind: volume}}, {{id: outlets, kind: billed_outlets}}]
targets: {{value: {{fixed: 10000}}}}
components:
  - id: bonus
    kpi: value
    slabs: [{{from: 0.5, rate: 0.01}}, {{from: 0.8, rate: 0.02}}, {{from: 1.0, rate: 0.03}}]
    gate: "actual(outlets) >= 2"
"""


def test_a_slab_reached_and_the_gap_to_the_next_and_a_failed_gate(wh2):
    """Target 10,000; slabs 1 % from 0.5, 2 % from 0.8, 3 % from 1.0 attainment; gate: at
    least 2 outlets billed.
    D1 sells 7,000.00 to O1 and O2: attainment 0.7 → slab 1 of 3 (from 0.5), 1 % of 7,000 =
    70.00. Next slab 0.8 needs 0.8 × 10,000 = 8,000.00 of value: gap 1,000.00.
    D2 sells 9,000.00, all to O5: attainment 0.9 reaches slab 2 (from 0.8) but 1 outlet < 2,
    so the gate fails and it pays 0.00; its next slab (1.0) needs 10,000.00: gap 1,000.00."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "4000.00")
    wh2.sale("I2", "2026-10-06", "D1", "O2", "A1", "1", "3000.00")
    wh2.sale("J1", "2026-10-05", "D2", "O5", "A1", "1", "9000.00")
    rows = explained(SLABS, wh2)
    d1 = one(rows, "D1", "component", component="bonus")
    assert (d1.amount, d1.outcome, d1.shape) == (D("70.00"), "paid", "step")
    assert (d1.slab, d1.slabs, d1.slab_start, d1.measure_of, d1.measure) == (
        1, 3, D("0.5"), "attainment", D("0.700000"))
    assert (d1.next_break, d1.next_above, d1.needed, d1.gap) == (
        D("0.8"), False, D("8000.00"), D("1000.00"))
    assert (d1.actual, d1.target, d1.attainment) == (D("7000.00"), D("10000.00"),
                                                      D("0.700000"))
    assert (d1.gate, d1.gate_held) == ("actual(outlets) >= 2", True)
    assert story(rows, "D1").components[0].next_step == (
        "sell 1,000.00 more in net value to reach 0.8 attainment")
    d2 = one(rows, "D2", "component", component="bonus")
    assert (d2.amount, d2.outcome, d2.gate_held, d2.slab) == (D("0.00"), "gate_failed",
                                                              False, 2)
    assert (d2.next_break, d2.needed, d2.gap) == (D("1.0"), D("10000.00"), D("1000.00"))
    told = story(rows, "D2").components[0]
    assert (told.note, told.conditions) == ("gate failed: actual(outlets) >= 2",
                                            ("gate failed: actual(outlets) >= 2",))
    kpi = one(rows, "D1", "kpi", kpi="outlets")
    assert (kpi.actual, kpi.target, kpi.gap_unit, kpi.gap_phrase) == (
        D("2"), None, "whole", "bill {n} more outlet{s}")


CAPPED = f"""id: t
name: T
{OCT}
kpis: [{{id: value, kind: volume}}]
components:
  - id: bonus
    kpi: value
    on: actual
    slabs: [{{from: 0, rate: 0.05}}, {{from: 20000, rate: 0.1}}]
    multipliers:
      - {{when: "actual(value) >= 25000", factor: 1.5}}
      - {{when: "actual(value) >= 100000", factor: 2}}
    cap: {{amount: 2000}}
caps: {{participant: 5000}}
"""


def test_a_capped_component_with_its_multipliers_and_the_limits_that_did_not_bite(wh2):
    """10 % from 20,000; ×1.5 from 25,000 and ×2 from 100,000; cap 2,000.00 a component
    and 5,000.00 a participant.
    D1 sells 30,000.00: slab 2 (from 20000), 10 % = 3,000.00 × 1.5 (only the first applies)
    = 4,500.00, over the cap: pays 2,000.00, capped by its amount. The participant cap of
    5,000.00 does not bite: its row is 0.00, not capped. A capped component has no next
    slab worth reaching (a higher one pays no more).
    D2 sells 10,000.00: slab 1, 5 % = 500.00, no multiplier, cap not reached."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "30000.00")
    wh2.sale("J1", "2026-10-05", "D2", "O5", "A1", "1", "10000.00")
    rows = explained(CAPPED, wh2)
    d1 = one(rows, "D1", "component", component="bonus")
    assert (d1.amount, d1.slab, d1.multiplier) == (D("2000.00"), 2, D("1.5"))
    assert d1.multipliers == "×1.5 (actual(value) >= 25000)"
    assert d1.multipliers_missed == "×2 (actual(value) >= 100000)"
    assert (d1.capped, d1.cap, d1.cap_limit) == (True, "amount", D("2000.00"))
    assert (d1.next_break, d1.gap) == (None, None)  # top slab
    cap = one(rows, "D1", "participant_cap")
    assert (cap.amount, cap.capped, cap.cap_limit) == (D("0.00"), False, D("5000.00"))
    e = story(rows, "D1")
    [c] = e.components
    assert c.note == "slab 2 of 2 (from 20000); ×1.5 (actual(value) >= 25000); capped at 2000.00"
    assert c.next_step == "none: the cap is reached, so a higher slab pays no more"
    assert e.limits == ("participant cap 5000.00: not reached",)
    assert e.payout == D("2000.00")
    d2 = one(rows, "D2", "component", component="bonus")
    assert (d2.amount, d2.capped, d2.multiplier, d2.multipliers) == (
        D("500.00"), False, D("1"), None)
    assert (d2.next_break, d2.needed, d2.gap) == (D("20000"), D("20000.00"), D("10000.00"))


TRUE_UP = """id: t
name: T
period:
  start: 2026-01-01
  end: 2026-01-31
  recurrence: {every_months: 1, count: 3}
kpis:
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


def test_a_true_up_carries_what_earlier_periods_paid(wh2):
    """1 % to date from 0, 2 % from 100,000; D1 sells 40,000 a month.
    Month 2: 80,000 to date → 800.00; period 1 paid 400.00 → the true-up row is −400.00,
    carried from period 1. Month 3: 120,000 reaches 2 % → 2,400.00; periods 1–2 paid 800.00
    (the running maximum: 400.00 then 800.00) → −800.00, carried from periods 1–2; the
    month pays 1,600.00. Month 1 has no true-up row (nothing paid before)."""
    for m in ("01", "02", "03"):
        wh2.sale(f"I{m}", f"2026-{m}-10", "D1", "O1", "A1", "1", "40000.00")
    rows = explained(TRUE_UP, wh2)
    assert not [r for r in rows if r.row == "true_up" and r.period_no == 1]
    two = one(rows, "D1", "true_up", period_no=2)
    assert (two.amount, two.earned, two.paid_before, two.carried_from, two.carried_to) == (
        D("-400.00"), D("800.00"), D("400.00"), 1, 1)
    three = one(rows, "D1", "true_up", period_no=3)
    assert (three.component, three.amount, three.earned, three.paid_before) == (
        "bonus:true_up", D("-800.00"), D("2400.00"), D("800.00"))
    assert (three.carried_from, three.carried_to) == (1, 2)
    e = story(rows, "D1", 3)
    assert [(c.component, c.amount, c.note) for c in e.components] == [
        ("bonus", D("2400.00"), "slab 2 of 2 (from 100000)"),
        ("bonus:true_up", D("-800.00"), "to date pays 2400.00; periods 1–2 paid 800.00")]
    assert e.payout == D("1600.00")


SCORECARD = f"""id: t
name: T
{OCT}
kpis: [{{id: value, kind: volume}}, {{id: outlets, kind: billed_outlets}}]
targets: {{value: {{fixed: 10000}}, outlets: {{fixed: 4}}}}
components:
  - id: score
    scorecard:
      - {{kpi: value, weight: 0.6}}
      - {{kpi: outlets, weight: 0.4, cap: 1.2}}
    slabs: [{{from: 0.9, amount: 500}}, {{from: 1.0, amount: 1000}}]
"""


def test_a_scorecard_says_its_score_and_per_kpi_what_the_next_slab_takes(wh2):
    """Score = 0.6 × attainment(value) + 0.4 × min(attainment(outlets), 1.2); 500.00 from a
    score of 0.9, 1,000.00 from 1.0.
    D1 sells 8,000.00 to O1, O2, O3: value 0.8, outlets 3 ÷ 4 = 0.75, score 0.48 + 0.30 =
    0.78: below the first slab, next 0.9.
    - value alone: its part must give 0.9 − 0.30 = 0.60, attainment 0.60 ÷ 0.6 = 1.0; the
      attainment is value ÷ target half-up to 6 places, so value ≥ (1.0 − 0.0000005) ×
      10,000 = 9,999.995 → 10,000.00 (money): gap 2,000.00;
    - outlets alone: 0.9 − 0.48 = 0.42, attainment 0.42 ÷ 0.4 = 1.05 (within its cap 1.2),
      outlets ≥ (1.05 − 0.0000005) × 4 = 4.199998 → 5 outlets: gap 2.
    D2 sells 9,500.00 to O5 and O6: value 0.95, outlets 0.5, score 0.57 + 0.20 = 0.77;
    outlets alone would need (0.9 − 0.57) ÷ 0.4 = 0.825 → 3.3 → 4 outlets, gap 2; value
    alone (0.9 − 0.20) ÷ 0.6 = 1.1666… → 1.166667 at 6 places, value ≥ (1.166667 −
    0.0000005) × 10,000 = 11,666.665 → 11,666.67: gap 2,166.67."""
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "4000.00")
    wh2.sale("I2", "2026-10-06", "D1", "O2", "A1", "1", "2000.00")
    wh2.sale("I3", "2026-10-07", "D1", "O3", "A1", "1", "2000.00")
    wh2.sale("J1", "2026-10-05", "D2", "O5", "A1", "1", "5000.00")
    wh2.sale("J2", "2026-10-05", "D2", "O6", "A1", "1", "4500.00")
    rows = explained(SCORECARD, wh2)
    head = one(rows, "D1", "component", component="score")
    assert (head.kpi, head.amount, head.outcome, head.measure_of, head.measure) == (
        None, D("0.00"), "below_first", "score", D("0.78"))
    assert (head.slab, head.next_break) == (None, D("0.9"))
    value = one(rows, "D1", "score_item", kpi="value")
    outlets = one(rows, "D1", "score_item", kpi="outlets")
    assert (value.amount, value.attainment, value.needed, value.gap) == (
        None, D("0.800000"), D("10000.00"), D("2000.00"))
    assert (outlets.attainment, outlets.needed, outlets.gap) == (D("0.750000"), D("5"), D("2"))
    assert story(rows, "D1").components[0].next_step == (
        "to reach a score of 0.9 (now 0.7800000): value: sell 2,000.00 more in net value; "
        "or outlets: bill 2 more outlets")
    d2 = {r.kpi: (r.needed, r.gap) for r in rows
          if r.participant_id == "D2" and r.row == "score_item"}
    assert d2 == {"value": (D("11666.67"), D("2166.67")), "outlets": (D("4"), D("2"))}
