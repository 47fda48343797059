"""`explain`: what the next slab takes, said in the KPI's own unit; gates, multipliers and
caps, whether they held or not. The next step comes from the engine's typed explanation rows
(needed value and gap) told by engine/story.py."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import ibis
import pyarrow as pa
import pytest

from schemeops.engine.backends import connect_warehouse
from schemeops.engine.data import Data
from schemeops.engine.explain import explain
from schemeops.engine.explain_rows import EXPLANATION, component_line, kpi_rows
from schemeops.engine.kpis import kpi_scale
from schemeops.engine.payouts import ComponentCompiler
from schemeops.engine.story import Row, stories
from schemeops.program.parse import parse_program


def program(kpi: str, slabs: str = "[{from: 0.9, amount: 100}, {from: 1.0, amount: 200}]",
            on: str = "attainment", rule: str = "{fixed: 100}"):
    """A one-KPI, one-component program (KPI id `k`)."""
    text = (f"id: p\nname: P\nperiod: {{start: 2026-10-01, end: 2026-10-31}}\n"
            f"kpis:\n  - {{id: k, {kpi}}}\ntargets:\n  k: {rule}\n"
            f"components:\n  - {{id: c, kpi: k, on: {on}, slabs: {slabs}}}\n")
    p, problems = parse_program(text, "p.yaml")
    assert not problems, problems
    return p


def _wide(p, actual: Decimal, target: Decimal | None) -> ibis.Table:
    """One participant's row of the wide table: a__k, t__k and att__k as the engine has them."""
    s = kpi_scale(p.kpis[0])
    a = actual.quantize(Decimal(1).scaleb(-s))
    att = None
    if target is not None and target > 0:
        num, den = (target, a) if p.targets["k"].lower_is_better else (a, target)
        att = None if den == 0 else (num / den).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    return ibis.memtable(pa.table({
        "participant_id": ["D1"], "period_no": pa.array([1], pa.int64()),
        "a__k": pa.array([a], pa.decimal128(28, s)),
        "t__k": pa.array([target], pa.decimal128(28, 2)),
        "att__k": pa.array([att], pa.decimal128(28, 6))}))


def step(kpi: str, actual: str, target: str | None = "100", **kw: str) -> str | None:
    """The next-step text for a participant at `actual` against `target`, from the rows the
    engine computes for it."""
    p = program(kpi, **kw)
    w = _wide(p, Decimal(actual), None if target is None else Decimal(target))
    cc = ComponentCompiler(p, p.components[0], w, {})
    r = cc.compile()
    line = component_line(p, cc, r, 0, None, r.note).select(*EXPLANATION)
    t = ibis.union(*kpi_rows(p, w), line)
    day = dt.date(2026, 10, 1)
    rows = [Row.of(r | {"program_id": "p", "period_start": day, "period_end": day})
            for r in t.order_by("_order").to_pyarrow().to_pylist()]
    (story,) = stories(rows)
    return story.components[0].next_step


@pytest.mark.parametrize(("kpi", "actual", "text"), [
    ("kind: billed_outlets", "76", "bill 14 more outlets to reach 0.9 attainment"),
    ("kind: billed_outlets", "89", "bill 1 more outlet to reach 0.9 attainment"),
    ("kind: billed_channels", "80", "bill 10 more channels to reach 0.9 attainment"),
    ("kind: reactivated_outlets", "85", "reactivate 5 more outlets to reach 0.9 attainment"),
    ("kind: net_channel_addition", "85", "add 5 more net new outlets to reach 0.9 attainment"),
    ("kind: volume, measure: quantity", "70.5", "sell 20 more units to reach 0.9 attainment"),
    ("kind: volume", "70.5", "sell 19.50 more in net value to reach 0.9 attainment"),
    ("kind: volume, source: primary", "70",
     "buy 20.00 more in net value (primary) to reach 0.9 attainment"),
    ("kind: upsell, mode: segment_volume, segment: premium, measure: quantity", "70",
     "sell 20 more units of premium to reach 0.9 attainment"),
    ("kind: upsell, mode: bundle, bundle: [A, B]", "70",
     "bill 20 more invoices with the whole bundle to reach 0.9 attainment"),
    ("kind: upsell, mode: range_outlets, min_distinct: 3", "70",
     "get 20 more outlets buying at least 3 categories to reach 0.9 attainment"),
    ("kind: metric, table: sales, agg: count", "70",
     "20 more k to reach 0.9 attainment"),
    ("kind: early_payment, tiers: [{days: 10, rate: 0.02}]", "70",
     "earn 20.00 more in early-payment discount to reach 0.9 attainment"),
])
def test_next_step_names_the_kpi_unit(kpi, actual, text):
    """Outlets, channels and counts are whole; units are whole; value is money."""
    assert step(kpi, actual) == text


def test_next_step_of_a_share_is_in_points():
    """A segment's share of value moves in percentage points, not in money."""
    text = step("kind: upsell, mode: mix_share, segment: premium", "0.4358", None, on="actual",
                slabs="[{from: 0.5, amount: 100}]")
    assert text == "raise the premium share of net value by 6.42 points to reach 0.5"


def test_next_step_on_actual_and_at_the_top():
    """On actual the break is the KPI's own value; past the last slab there is no next."""
    assert step("kind: billed_outlets", "7", None, on="actual",
                slabs="[{from: 10, amount: 100}]") == "bill 3 more outlets to reach 10"
    assert step("kind: billed_outlets", "120") == "top slab reached"


CONDITIONS = """\
id: gm
name: Gates and caps
period: {start: 2026-10-01, end: 2026-10-31}
kpis:
  - {id: value, kind: volume}
  - {id: outlets, kind: billed_outlets, min_value: 500}
targets:
  value: {fixed: 60000}
  outlets: {fixed: 25}
components:
  - id: value_bonus
    kpi: value
    slabs: [{from: 0.9, rate: 0.01}, {from: 1.0, rate: 0.02}]
    gate: "attainment(outlets) >= 0.8"
    multipliers:
      - {when: "attainment(value) >= 1.15", factor: 1.1}
      - {when: "attainment(value) >= 5", factor: 2}
    cap: {amount: 1500}
gate: "actual(value) > 1000"
caps: {participant: 2000, budget: 1000000}
"""


def story(warehouse, participant: str, as_of=None) -> str:
    """The rendered explanation of CONDITIONS for one participant of the test warehouse."""
    p, problems = parse_program(CONDITIONS, "gm.yaml")
    assert not problems, problems
    con = connect_warehouse(warehouse)
    (one,) = explain(p, Data.from_backend(con), con, participant, as_of=as_of)
    return one.render()


def test_explain_tells_gates_multipliers_and_caps_met_or_not(warehouse):
    """Each gate, multiplier and cap says whether it held, also when it changed nothing; so do
    the program's gate, participant cap and budget."""
    text = story(warehouse, "D00003")
    assert "    gate met: attainment(outlets) >= 0.8" in text
    assert "    multipliers applied (×1.1): ×1.1 (attainment(value) >= 1.15)" in text
    assert "    multipliers not applied: ×2 (attainment(value) >= 5)" in text
    assert "    capped at 1500.00 (its amount cap)" in text
    assert "    next: none: the cap is reached, so a higher slab pays no more" in text
    assert "  program gate met: actual(value) > 1000" in text
    assert "  participant cap 2000.00: not reached" in text
    assert "  budget 1000000.00: not exceeded" in text
    early = story(warehouse, "D00003", as_of=dt.date(2026, 10, 10))
    assert "    gate failed: attainment(outlets) >= 0.8" in early
    assert "applied" not in early
    assert "cap 1500.00" not in early


def test_next_step_when_lower_is_better_says_how_far_down():
    """With lower is better, the next slab needs the actual down to target ÷ break."""
    lower = "{fixed: 250, lower_is_better: true}"
    assert step("kind: outstanding", "300", "250", rule=lower) == \
        "cut outstanding by 22.23 to reach 0.9 attainment"
    assert step("kind: metric, table: sales, agg: sum, expr: net_amount", "260", "250",
                rule=lower) == "bring k down by 10.00 to reach 1.0 attainment"
    assert step("kind: outstanding", "200", "250", rule=lower) == "top slab reached"


def test_next_step_past_an_above_break_is_the_next_value_the_kpi_can_take():
    """`above: 0.9` of a target of 100 outlets needs 91 (90 is not above 0.9); `above: 1000`
    on net value needs 1,000.01."""
    above = "[{above: 0.9, amount: 100}]"
    assert step("kind: billed_outlets", "89", slabs=above) == (
        "bill 2 more outlets to get above 0.9 attainment")
    assert step("kind: billed_outlets", "90", slabs=above) == (
        "bill 1 more outlet to get above 0.9 attainment")
    assert step("kind: volume", "900", None, on="actual",
                slabs="[{above: 1000, amount: 100}]") == (
        "sell 100.01 more in net value to get above 1000")
