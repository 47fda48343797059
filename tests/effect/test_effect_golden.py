"""The effect golden case (network and program in tests/effect_support.py), worked by hand.

Season index: the controls sell at one level per month (100, 100, 150, 100), so a month's
index is its level ÷ a constant, and a seller's expectation over a window is
(its value on clean days ÷ the controls' level-weighted clean days) × the window's
level-weighted days. Every control is level within each month, so each control ratio
(actual ÷ expected) is exactly 1 and the counterfactual is the expectation.

Windows: period 1 = 1–10 Feb (pre 18–31 Jan, post 11–24 Feb); period 2 = 21–30 Mar (pre
7–20 Mar, post 31 Mar–13 Apr). Clean days: 1–17 Jan (17), 25–28 Feb (4), 1–6 Mar (6),
14–30 Apr (17). A period's baseline reads the clean days of the months next to it: period 1
Jan–Mar, level-weighted 17×100 + 4×100 + 6×150 = 3,000; period 2 Feb–Apr, 4×100 + 6×150 +
17×100 = 3,000.

T1, A1: clean value Jan–Mar 17×200 + 4×200 + 6×300 = 6,000, Feb–Apr 4×200 + 6×300 +
  17×200 = 6,000 → 2 per level-day for both periods.
  Period 1: expected 2 × 10×100 = 2,000, actual 3,000 → in-scheme +1,000; post: expected
  2 × 14×100 = 2,800, actual 14×150 = 2,100 → dip 700; pre at its level → halo 0.
  A2 (sibling): clean Jan–Mar 17×40 + 4×40 + 6×60 = 1,200 → 0.4 per level-day; expected
  0.4 × 1,000 = 400, actual 10×20 = 200 → cannibalised 200.
  Net = 1,000 − 700 − 200 + 0 = 100.00.
  Period 2: expected 2 × 10×150 = 3,000, actual 4,500 → net 1,500.00.
Side parts count only when they stand out of the market: every control is level, so every
draw's control ratio is 1 and period 1's dip (700) and cannibalisation (200) are the same
in every draw, an interval that excludes 0: both count. Halos and period 2's dip are 0.
T2, A1: 1 per level-day. Period 1: 1,000 expected and sold → 0. Period 2: expected 1,500,
  actual 1,800 → 300.00.

Payouts (engine): bonus 5% from 1,600, 10% from 2,500 of A1 value; free A1 units 0.002 per
rupee of A1 value from 4,000, valued at unit_price 10 (cost at unit_cost 6).
  Period 1: T1 3,000 → 10% = 300.00; T2 1,000 → 0.  Cost 300.00.
  Period 2: T1 4,500 → 450.00 + ⌊9 units⌋ × 10 = 90.00 → payout 540.00, cost 450 + 9×6 =
  504.00; T2 1,800 → 5% = 90.00.  Payout 630.00, cost 594.00.
Margin: A1 at price 10, cost 6 → 1 − 6/10 = 0.4 in both periods.
ROI = (incremental × margin − cost) ÷ cost:
  Period 1: (100 × 0.4 − 300) ÷ 300 = −260/300 = −0.86666… → −0.8667
  Period 2: (1,800 × 0.4 − 594) ÷ 594 = 126/594 = 0.21212… → 0.2121
Paying-for-baseline share (the baseline — the counterfactual, on the first slab's KPI —
already at or past the first slab, 1,600):
  Period 1: T1's baseline 2,000 ≥ 1,600 → all of its 300.00 of 300.00 → 1.0000
  Period 2: T1 3,000 ≥ 1,600 (paid 540.00), T2 1,500 < 1,600 (paid 90.00):
  540/630 = 0.857142… → 0.8571
"""

from __future__ import annotations

from pathlib import Path

import pytest

from effect_support import PROGRAM, write_network
from schemeops.effect.report import effect_rows
from schemeops.effect.run import run_effect


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("effect")
    (d / "golden.yaml").write_text(PROGRAM)
    return d / "golden.yaml", write_network(d / "w.duckdb")


def _rows(network, backend: str) -> dict[tuple[str, str], dict[str, str]]:
    program, warehouse = network
    effect = run_effect(program, warehouse=warehouse, backend=backend, resamples=200)
    return {(r["period_start"], r["participant_id"]): r for r in effect_rows(effect)}


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_roi_and_paying_for_baseline_share_match_the_hand_worked_case(network, backend):
    rows = _rows(network, backend)
    p1, p2 = rows[("2026-02-01", "")], rows[("2026-03-21", "")]
    assert (p1["incremental_value"], p1["cost"], p1["margin"]) == ("100.00", "300.00", "0.4000")
    assert (p1["roi"], p1["paying_for_baseline_share"]) == ("-0.8667", "1.0000")
    assert (p1["in_scheme_value"], p1["dip_value"], p1["cannibalised_value"],
            p1["halo_value"]) == ("1000.00", "700.00", "200.00", "0.00")
    assert (p2["incremental_value"], p2["payout"], p2["cost"]) == ("1800.00", "630.00", "594.00")
    assert (p2["roi"], p2["paying_for_baseline_share"]) == ("0.2121", "0.8571")
    assert rows[("2026-03-21", "T1")]["incremental_value"] == "1500.00"
    assert rows[("2026-03-21", "T2")]["incremental_value"] == "300.00"
    assert rows[("2026-03-21", "T2")]["paying_for_baseline_share"] == "0.0000"
    assert p1["method"] == "did_matched" and p1["controls"] == "3"
    # lift: 100 of an expected 3,000 (T1 2,000 + T2 1,000); 1,800 of 4,500
    assert (p1["net_lift_pct"], p2["net_lift_pct"]) == ("3.33", "40.00")
    assert p1["verdict"] == "not_worth_it"  # every draw's ROI is negative
    manifest = run_effect(network[0], warehouse=network[1], backend=backend, resamples=200)
    assert [sorted(r.measured.parts_counted) for r in manifest.periods] == [
        ["cannibalised", "dip"], []]


def test_baseline_actual_and_subsidised_values_match_the_hand_worked_case(network):
    """Subsidised: the actual value of the scheme's products of the participants paid
    anything. Period 1: T1 sold 3,000 and is paid 300.00, T2 sold 1,000 and is paid nothing
    → subsidised 3,000.00 of an actual 4,000.00 against a baseline 2,000 + 1,000 = 3,000.00.
    Period 2: both paid → 4,500 + 1,800 = 6,300.00, baseline 3,000 + 1,500 = 4,500.00."""
    rows = _rows(network, "duckdb")
    p1, p2 = rows[("2026-02-01", "")], rows[("2026-03-21", "")]
    assert (p1["baseline_value"], p1["actual_value"], p1["subsidised_value"]) == (
        "3000.00", "4000.00", "3000.00")
    assert (p2["baseline_value"], p2["actual_value"], p2["subsidised_value"]) == (
        "4500.00", "6300.00", "6300.00")
    assert rows[("2026-02-01", "T2")]["subsidised_value"] == "0.00"
    assert rows[("2026-02-01", "T1")]["subsidised_value"] == "3000.00"


def test_dependency_matches_the_hand_worked_case(network):
    """The dependency's baseline reads every clean day: T1 9,400 ÷ 4,700 level-days = 2,
    T2 1. The latest 13 weeks are 30 Jan – 30 Apr (no whole block before them: no trend).
    T1's value in them: A1 400 (30–31 Jan) + 5,900 (Feb: 10×300 + 14×150 + 4×200) + 10,800
    (Mar: 20×300 + 10×450 + 300) + 6,000 (Apr) = 23,100; A2 80 + 920 + 1,860 + 1,200 = 4,060.
    Under the scheme: 3,000 + 4,500 = 7,500 → share 7,500 ÷ 27,160 = 0.27614.
    Post windows (11–24 Feb, 31 Mar–13 Apr): expected 2 × (1,400 + 150 + 1,300) = 5,700,
    sold 2,100 + 300 + 2,600 = 5,000 → drop 700 ÷ 5,700 = 0.12281.
    Index 100 × (0.27614 + 0.12281) ÷ 2 = 19.947 → 19.9.
    T2: 1,000 + 1,800 = 2,800 under the scheme of 200 + 2,800 + (20×150 + 10×180 + 150) +
    3,000 = 10,950 → 0.25571; no drop (its post windows sold as expected) →
    100 × 0.25571 ÷ 2 = 12.79 → 12.8."""
    from schemeops.effect.report import dependency_rows

    program, warehouse = network
    rows = {r["participant_id"]: r for r in dependency_rows(
        run_effect(program, warehouse=warehouse, resamples=100))}
    assert (rows["T1"]["scheme_share_13w"], rows["T1"]["post_drop_13w"],
            rows["T1"]["dependency_index"]) == ("0.2761", "0.1228", "19.9")
    assert (rows["T2"]["scheme_share_13w"], rows["T2"]["post_drop_13w"],
            rows["T2"]["dependency_index"]) == ("0.2557", "0.0000", "12.8")
    assert rows["T1"]["trend"] == "" and rows["T1"]["previous_index"] == ""


def test_difference_in_differences_takes_the_market_out(tmp_path):
    """The `shock` network: in March the whole market sells 20% more on 11–20 and the
    controls 20% less on 21–30 (period 2); March's level, so the season index, is unchanged.
    Control ratios: period 2's days 10×120 ÷ (10×150) = 0.8; its pre window (7–20 Mar)
    (4×150 + 10×180) ÷ (14×150) = 8/7.
    T1: counterfactual 3,000 × 0.8 = 2,400, sold 4,500 → +2,100; pre window expected
    2 × 14×150 = 4,200 × 8/7 = 4,800, sold 4×300 + 10×360 = 4,800 → halo 0.
    T2: 1,500 × 0.8 = 1,200, sold 1,800 → +600; pre 2,100 × 8/7 = 2,400 = sold.
    Incremental 2,700.00; ROI (2,700 × 0.4 − 594) ÷ 594 = 486/594 = 0.81818… → 0.8182.
    Paying for baseline: T1's baseline 2,400 ≥ 1,600, T2's 1,200 < 1,600 → 540/630 = 0.8571.
    (Against the baseline alone the lift would read 1,800, ROI 0.2121, as without the shock.)"""
    (tmp_path / "p.yaml").write_text(PROGRAM)
    w = write_network(tmp_path / "w.duckdb", shock=True)
    rows = {(r["period_start"], r["participant_id"]): r
            for r in effect_rows(run_effect(tmp_path / "p.yaml", warehouse=w, resamples=100))}
    p2 = rows[("2026-03-21", "")]
    assert (p2["incremental_value"], p2["halo_value"], p2["cost"]) == ("2700.00", "0.00",
                                                                      "594.00")
    assert (p2["roi"], p2["paying_for_baseline_share"]) == ("0.8182", "0.8571")
    assert rows[("2026-03-21", "T1")]["baseline_value"] == "2400.00"
    assert rows[("2026-02-01", "")]["roi"] == "-0.8667"  # period 1 untouched


def test_a_programs_holdout_is_its_control_group(tmp_path):
    """With `holdout` (and no tier filter) the held-out sellers are the controls and the rest
    are measured; which ones is the engine's hash (`is_held_out`), whatever their tier."""
    from schemeops.engine.holdout import is_held_out
    from schemeops.program.model import Holdout

    holdout = Holdout(share="0.5", seed=3)
    held = {p for p in ("T1", "T2", "C1", "C2", "C3") if is_held_out(p, holdout)}
    assert 0 < len(held) < 5  # the seed gives both groups (else pick another)
    text = PROGRAM.replace('  where: "tier = \'gold\'"\n', "").replace(
        "participants:\n", "holdout: {share: 0.5, seed: 3}\nparticipants:\n")
    (tmp_path / "p.yaml").write_text(text)
    w = write_network(tmp_path / "w.duckdb")
    rows = effect_rows(run_effect(tmp_path / "p.yaml", warehouse=w, resamples=100))
    head = rows[0]
    assert (head["method"], head["controls"]) == ("did_holdout", str(len(held)))
    measured = {r["participant_id"] for r in rows if r["participant_id"]}
    assert measured == {"T1", "T2", "C1", "C2", "C3"} - held
