"""Golden cases, one per guard, worked by hand, on DuckDB and Spark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from guard_bench import costed, program

from schemeops.guards import Level, evaluate


def _by_guard(verdicts):
    return {v.guard: v for v in verdicts}


def test_two_stacked_discounts_compound(backend):
    # D1 sells 1 unit at 1,000 on 5 October; a (10%) and b (15%) both pay on it.
    # Effective: 1 − (1 − 0.10)(1 − 0.15) = 1 − 0.9 × 0.85 = 1 − 0.765 = 0.235,
    # at the 20% warning, under the 25% block. Two programs on the one line.
    data = costed(backend, "500.00").sale("I1", "2026-10-05", "D1", "O1", "A1", "1",
                                          "1000.00").data()
    verdicts, shift = evaluate(program("a", "0.10"), [program("b", "0.15")], data)
    v = _by_guard(verdicts)
    assert shift == 0
    assert v["discount_cap"].figure == D("0.235")
    assert v["discount_cap"].level is Level.WARN
    assert v["discount_cap"].evidence == {"lines": 1, "at_warn": 1, "at_block": 0}
    assert v["stacking"].figure == 2 and v["stacking"].level is Level.OK
    assert v["stacking"].evidence["stacked"] == 1
    # pocket 1,000 × 0.765 = 765 against cost 500: 765 ÷ 500 = 1.53 ≥ 1.05;
    # margin (765 − 500) ÷ 765 = 0.3464 (to 4 places) ≥ 0.15
    assert v["margin_floor"].figure == D("1.53") and v["margin_floor"].level is Level.OK
    assert v["gross_margin"].figure == D("0.3464") and v["gross_margin"].level is Level.OK


def test_exclusive_and_max_stacking_block(backend):
    # b says it is exclusive with a: the one line both pay on blocks a's approval; c only
    # allows itself and one more, and the line carries a, b and c (3 > 2).
    data = costed(backend).sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "1000.00") \
        .sale("I2", "2026-10-06", "D2", "O5", "A1", "1", "1000.00").data()
    b = program("b", "0.01", extra="exclusive_with: [a]\n")
    c = program("c", "0.01", extra="max_stacking: 2\n", products="sku = 'A1'")
    verdicts, _ = evaluate(program("a", "0.01"), [b, c], data)
    s = _by_guard(verdicts)["stacking"]
    assert s.level is Level.BLOCK
    assert s.evidence == {"lines": 2, "stacked": 2, "exclusive": 2, "over_max": 2}
    assert s.figure == 3


def test_line_below_cost_times_floor_blocks(backend):
    # Cost 900 a unit: the floor is 900 × 1.05 = 945. At 10% off, the line sold at 1,000
    # leaves a pocket price of 900 < 945 (blocks; 900 ÷ 900 = 1); the one at 1,100 leaves
    # 990 ≥ 945, but its gross margin (990 − 900) ÷ 990 = 0.0909 is under 15% (warns),
    # and the first line's is 0.
    data = costed(backend, "900.00").sale("I1", "2026-10-05", "D1", "O1", "A1", "1",
                                          "1000.00") \
        .sale("I2", "2026-10-05", "D1", "O1", "A1", "1", "1100.00").data()
    v = _by_guard(evaluate(program("a", "0.10"), [], data)[0])
    assert v["margin_floor"].level is Level.BLOCK
    assert v["margin_floor"].figure == D("1") and v["margin_floor"].threshold == D("1.05")
    assert v["margin_floor"].evidence == {"lines": 2, "costed": 2, "below_floor": 1}
    assert v["gross_margin"].level is Level.WARN and v["gross_margin"].figure == 0
    assert v["gross_margin"].evidence["thin"] == 2
    # the program's own floor of 1.00 (with its reason) lets the 900 pocket price pass
    lower = program("a", "0.10", extra="guards: {reason: clearance of old stock, "
                                       "margin_floor: 1.00}\n")
    assert _by_guard(evaluate(lower, [], data)[0])["margin_floor"].level is Level.OK


def test_quarter_off_blocks_unless_the_program_says_why(backend):
    # A 25% rate is the effective discount of the line: at the 25% block.
    data = costed(backend, "1.00").sale("I1", "2026-10-05", "D1", "O1", "A1", "1",
                                        "1000.00").data()
    v = _by_guard(evaluate(program("a", "0.25"), [], data)[0])["discount_cap"]
    assert (v.level, v.figure, v.threshold) == (Level.BLOCK, D("0.25"), D("0.25"))
    own = program("a", "0.25", extra='guards: {reason: "launch", discount_cap: '
                                     '{warn: 0.3, block: 0.35}}\n')
    v = _by_guard(evaluate(own, [], data)[0])["discount_cap"]
    assert (v.level, v.threshold) == (Level.OK, D("0.3"))


def test_budget_burn_as_of(backend):
    # Budget 1,000; 10% of 6,000 sold by 10 October is 600 paid: 60% burnt (past the 50%
    # alert) with 10 of 31 days gone: pace 0.6 × 31 ÷ 10 = 1.86 > 1.2.
    data = costed(backend).sale("I1", "2026-10-02", "D1", "O1", "A1", "6", "6000.00") \
        .sale("I2", "2026-10-20", "D1", "O1", "A1", "9", "9000.00").data()
    p = program("a", "0.10", extra="caps: {budget: 1000.00}\n")
    v = _by_guard(evaluate(p, [], data, as_of=dt.date(2026, 10, 10))[0])["budget_burn"]
    assert (v.level, v.figure, v.threshold) == (Level.WARN, D("0.6"), D("0.5"))
    assert v.evidence == {"period_no": 1, "paid_paise": 60000, "elapsed_days": 10,
                          "days": 31, "budget_paise": 100000}
    # by the end of October 1,500 is earned, scaled down to the 1,000 budget: 100%, blocks
    v = _by_guard(evaluate(p, [], data, as_of=dt.date(2026, 10, 31))[0])["budget_burn"]
    assert (v.level, v.figure) == (Level.BLOCK, D("1"))


def test_budget_burn_reads_the_running_period(backend):
    # Weekly periods with a budget of 500 each. As of 10 October the second week (8–14)
    # runs, 3 of its 7 days gone: 10% of its 2,000 is 200, a burn of 0.4 and a pace of
    # 0.4 × 7 ÷ 3 = 0.9333: ok. The first week's 600 (capped at 500) is not in it.
    data = costed(backend).sale("I1", "2026-10-02", "D1", "O1", "A1", "6", "6000.00") \
        .sale("I2", "2026-10-09", "D1", "O1", "A1", "2", "2000.00").data()
    p = program("a", "0.10", extra="caps: {budget: 500.00}\n")
    weekly = p.model_copy(update={"period": p.period.model_validate(
        {"start": "2026-10-01", "end": "2026-10-07",
         "recurrence": {"every_days": 7, "count": 4}})})
    v = _by_guard(evaluate(weekly, [], data, as_of=dt.date(2026, 10, 10))[0])["budget_burn"]
    assert (v.level, v.figure) == (Level.OK, D("0.4"))
    assert v.evidence == {"period_no": 2, "paid_paise": 20000, "elapsed_days": 3, "days": 7,
                          "budget_paise": 50000}
    assert "pace 0.9333" in v.summary


def test_a_program_not_started_reads_history_moved_onto_its_dates(backend):
    # December's program, with sales only in October: the 31 days ending on the last sale
    # (20 October) are 20 September – 20 October, moved forward 72 days onto 1 December.
    data = costed(backend).sale("I1", "2026-10-20", "D1", "O1", "A1", "1", "1000.00").data()
    dec = program("a", "0.30").model_copy(update={"period": program("a", "0.3").period
                                                  .model_copy(update={
                                                      "start": dt.date(2026, 12, 1),
                                                      "end": dt.date(2026, 12, 31)})})
    verdicts, shift = evaluate(dec, [], data)
    assert shift == (dt.date(2026, 12, 1) - dt.date(2026, 9, 20)).days == 72
    assert _by_guard(verdicts)["discount_cap"].level is Level.BLOCK


def test_a_cap_on_the_same_kpi_bounds_the_discount(backend):
    # 30% at the top slab, but capped at 3% of the very KPI it pays on: 0.03 (ok); a cap
    # on another KPI leaves the 30% (blocks at 25%)
    data = costed(backend, "1.00").sale("I1", "2026-10-05", "D1", "O1", "A1", "1",
                                        "1000.00").data()
    capped = program("a", "0.30").model_validate({
        **program("a", "0.30").model_dump(by_alias=True, exclude_none=True),
        "kpis": [{"id": "sales", "kind": "volume"}, {"id": "other", "kind": "volume"}],
        "components": [{"id": "discount", "kpi": "sales", "on": "actual",
                        "slabs": [{"from": 0, "rate": "0.30"}],
                        "cap": {"rate": "0.03", "of": "sales"}}]})
    v = _by_guard(evaluate(capped, [], data)[0])["discount_cap"]
    assert (v.level, v.figure) == (Level.OK, D("0.03"))
    other = capped.model_copy(update={"components": (capped.components[0].model_copy(
        update={"cap": capped.components[0].cap.model_copy(update={"of": "other"})}),)})
    assert _by_guard(evaluate(other, [], data)[0])["discount_cap"].figure == D("0.3")
