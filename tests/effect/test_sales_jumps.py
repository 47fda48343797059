"""Sales jumps are not the scheme: the golden network (tests/effect_support.py) with B1, a
product the scheme leaves alone, and one seller selling five times its every line in
period 2 (21–30 Mar).

The jump shows on B1: the seller's B1 baseline is its median month per level-day (January
and April have the ≥ 7 clean days: 50 ÷ 100 = 0.5), × period 2's level-weighted days
(10 × 150) = 750 expected; it sells 10 × 75 × 5 = 3,750, five times the controls' median
ratio (1): above `estimate.JUMP` (3.5). Every other seller sells B1 as expected (ratio 1).

- A control that jumps (C1) is left out of the period's controls and of the season index:
  the program's period 2 row is the golden case's (incremental 1,800.00, cost 594.00, ROI
  0.2121) with 2 controls. Kept, its ratio (5 × 1,500 + 1,500 + 1,500) ÷ 4,500 = 2.33
  would have multiplied every counterfactual: T1's 3,000 → 7,000 against 4,500 sold.
- A participant that jumps (T2) is left out of the program's lift, which is then T1's:
  1,500 of 3,000 = 50.00%. Applied to every participant's counterfactual (T1 3,000 + T2
  1,500 = 4,500) it gives the program's incremental value, 2,250.00. The cost is all the
  program paid: T1 504.00 (as in the golden case) and T2, whose 9,000 of A1 (10 × 180 × 5)
  earn 10% = 900.00 and ⌊0.002 × 9,000⌋ = 18 free units (cost 18 × 6 = 108.00): 1,512.00;
  payout 540.00 + 900.00 + 180.00 = 1,620.00. ROI (2,250 × 0.4 − 1,512) ÷ 1,512 = −612 ÷
  1,512 = −0.404761… → −0.4048. Paying for baseline: T1's baseline 3,000 ≥ 1,600; T2's
  9,000 × 1,500 ÷ 9,000 = 1,500 < 1,600 → 540 ÷ 1,620 = 0.3333. T2's own row is still
  measured: 9,000 sold against a counterfactual of 1,500 → 7,500.00.
- Period 1 (1–10 Feb, its windows 18 Jan – 24 Feb) has no jump: its row is the golden one.
"""

from __future__ import annotations

import json
from pathlib import Path

from effect_support import PROGRAM, write_network
from schemeops.effect.report import effect_rows, period_methods, write_effect
from schemeops.effect.run import run_effect


def _measure(tmp_path: Path, jump: str):
    (tmp_path / "p.yaml").write_text(PROGRAM)
    warehouse = write_network(tmp_path / "w.duckdb", jump=frozenset({jump}))
    effect = run_effect(tmp_path / "p.yaml", warehouse=warehouse, resamples=200)
    rows = {(r["period_start"], r["participant_id"]): r for r in effect_rows(effect)}
    return effect, rows, warehouse


def test_a_control_whose_sales_jump_is_left_out_of_the_controls(tmp_path):
    effect, rows, _ = _measure(tmp_path, "C1")
    p1, p2 = rows[("2026-02-01", "")], rows[("2026-03-21", "")]
    assert (p2["incremental_value"], p2["cost"], p2["roi"]) == ("1800.00", "594.00", "0.2121")
    assert (p2["controls"], p2["participants"]) == ("2", "2")
    assert rows[("2026-03-21", "T1")]["baseline_value"] == "3000.00"
    assert (p1["incremental_value"], p1["roi"], p1["controls"]) == ("100.00", "-0.8667", "3")
    assert [r.jumped_controls for r in effect.periods] == [(), ("C1",)]
    assert [(m.period_start.isoformat(), m.jumped_participants, m.jumped_controls)
            for m in period_methods(effect)] == [("2026-02-01", (), ()),
                                                 ("2026-03-21", (), ("C1",))]


def test_a_participant_whose_sales_jump_is_left_out_of_the_programs_row(tmp_path):
    effect, rows, warehouse = _measure(tmp_path, "T2")
    p1, p2 = rows[("2026-02-01", "")], rows[("2026-03-21", "")]
    assert (p2["incremental_value"], p2["payout"], p2["cost"]) == ("2250.00", "1620.00",
                                                                    "1512.00")
    assert (p2["roi"], p2["paying_for_baseline_share"]) == ("-0.4048", "0.3333")
    assert (p2["net_lift_pct"], p2["baseline_value"], p2["in_scheme_value"]) == (
        "50.00", "4500.00", "2250.00")
    # every draw that holds T1 reads its lift (the controls are level: ratio 1 in each)
    assert (p2["low"], p2["high"]) == ("50.00", "50.00")
    assert rows[("2026-03-21", "T2")]["incremental_value"] == "7500.00"
    assert (p1["incremental_value"], p1["participants"]) == ("100.00", "2")
    assert p2["participants"] == "2"
    write_effect(effect, tmp_path / "out", warehouse=warehouse, backend="duckdb",
                 resamples=200, seed=0)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["sales_jumps"] == {
        "2026-02-01": {"participants": [], "controls": []},
        "2026-03-21": {"participants": ["T2"], "controls": []}}
    assert manifest["parts_counted"] == {
        m.period_start.isoformat(): list(m.parts_counted) for m in period_methods(effect)}
