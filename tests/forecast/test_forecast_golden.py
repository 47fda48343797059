"""The forecast golden case (network and programs in tests/forecast_support.py), worked by
hand.

Replays: the draft runs 1–14 April 2026 (14 days, not whole months: moved by 14 days at a
time); history is 4–31 March, so the replays are 18–31 March (1) and 4–17 March (2);
4 Feb … 3 Mar would start before the data.

Enrolled: D1, D2, D3 (gold); X1 (silver) never counts. Payouts on history (bonus: 5% of A's
value from 1,000, 10% from 2,000; b_bonus: 2% of B's value from 0; budget 400 a period,
never reached):
  Replay 1: D1 A 7×100 + 7×200 = 2,100 → 10% = 210.00; D2 7×150 = 1,050 → 5% = 52.50;
            D3 14×70 = 980 (below) and B 700 → 2% = 14.00.  Cost 276.50.
  Replay 2: D1 1,400 → 70.00; D2 1,120 → 56.00; D3 560, B 700 → 14.00.  Cost 140.00.
Cost (no free goods: the payout) = mean (276.50 + 140.00) ÷ 2 = 208.25.
Earners 3 per replay of 3 participants → 3.00, rate 1.0000.
Slab reached (bonus, on A's value): below: D3 twice → 1.00 per replay (payout 14.00 per
replay); slab 1: D2, D1, D2 → 1.50 (52.50 + 70 + 56 = 178.50 ÷ 2 = 89.25); slab 2: D1 once
→ 0.50 (105.00).
Deciles of the 6 paid rows (fewer than 10: one row each, 1 ÷ 2 replays = 0.50): 14.00,
14.00, 52.50, 56.00, 70.00, 210.00; shares of 416.50: 0.0336, 0.0336, 0.1261, 0.1345,
0.1681, 0.5042.
Burn (weeks 1–7 and 8–14 April, replayed 18–24/25–31 and 4–10/11–17 March; each payout
accrues with its holder's A sales):
  Replay 1: D1 210 × 700/2,100 = 70, D2 52.50 × 0/1,050 = 0, D3 14 × 490/980 = 7 → 77.00
            by week 1; 276.50 by week 2.
  Replay 2: D1 35 + D2 28 + D3 7 = 70.00; 140.00.
  Mean: 73.50 (18.375% of 400 → 18.38), 208.25 (52.0625% → 52.06).
Expected lift: the similar past program (`winter`: the same KPI on A) measured +10% (4 …
16); `b_push` (KPI on B) is not similar and its +50% is not used.
At the lift (A's lines in the replayed days × 1.1): replay 1 D1 2,310 → 231.00, D2 1,155 →
  57.75, D3 1,078 → now slab 1: 53.90 + 14.00; total 356.65 (under the budget). Replay 2:
  D1 1,540 → 77.00, D2 1,232 → 61.60, D3 616 → 14.00; total 152.60. Cost at the lift
  (356.65 + 152.60) ÷ 2 = 254.625 → 254.63; earners 3.00.
Paying-for-baseline share at the lift: the payout to those whose history (the baseline)
  already reached the first slab — D1 and D2 in both replays — of all the payout at the
  lift: (231 + 57.75 + 77 + 61.60) ÷ 509.25 = 427.35 ÷ 509.25 = 0.839175… → 0.8392 (D3's
  53.90 is what the lift itself earns). Without a lift it is taken on history:
  (210 + 52.50 + 70 + 56) ÷ 416.50 = 0.932773… → 0.9328.
Expected ROI: baseline value = A's sales of the enrolled, mean (4,130 + 3,080) ÷ 2 =
  3,605.00; margin 1 − 7/10 = 0.3000; incremental 10% × 3,605 = 360.50;
  ROI (360.50 × 0.3 − 254.63) ÷ 254.63 = −146.48 ÷ 254.63 = −0.575266… → −0.5753;
  at 4%: (43.26 − 254.63) ÷ 254.63 = −0.830106… → −0.8301;
  at 16%: (173.04 − 254.63) ÷ 254.63 = −0.320426… → −0.3204.
Live (4% / 8%): history: replay 1 168 + 42 + 14 = 224.00, replay 2 56 + 44.80 + 14 =
  114.80 → 169.40, difference 38.85. At the lift: replay 1 184.80 + 46.20 + 43.12 + 14 =
  288.12, replay 2 61.60 + 49.28 + 14 = 124.88 → 206.50; share (184.80 + 46.20 + 61.60 +
  49.28) ÷ 413 = 0.827797… → 0.8278; ROI (108.15 − 206.50) ÷ 206.50 = −0.476271… → −0.4763.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

import forecast_support as s
from schemeops.engine.backends import connect_warehouse
from schemeops.engine.calc import load_programs
from schemeops.forecast.report import burn_rows, earner_rows, forecast_rows
from schemeops.forecast.run import forecast
from schemeops.forecast.similar import PastLift


def _program(d: Path, text: str, name: str):
    (d / name).write_text(text)
    return load_programs([d / name])[0]


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    d = tmp_path_factory.mktemp("forecast")
    return d, s.write_network(d / "w.duckdb")


def _forecast(network, backend: str = "duckdb", *, past: bool = True):
    d, w = network
    lifts = [(_program(d, s.PAST_SIMILAR, "ps.yaml"),
              PastLift("winter", "test", "2026-01-01", D("10"), D("4"), D("16"))),
             (_program(d, s.PAST_OTHER, "po.yaml"),
              PastLift("b_push", "test", "2026-01-01", D("50"), None, None))]
    return forecast(_program(d, s.DRAFT, "d.yaml"), connect_warehouse(w, backend),
                    live=_program(d, s.LIVE, "l.yaml"), past=lifts if past else [])


def _figures(fc) -> dict[str, tuple[str, str, str]]:
    return {r["figure"]: (r["draft"], r["live"], r["difference"]) for r in forecast_rows(fc)}


def test_cost_earners_share_burn_and_roi_match_the_hand_worked_case(network):
    fc = _forecast(network)
    assert [(str(a), str(b)) for a, b in fc.replays] == [("2026-03-18", "2026-03-31"),
                                                        ("2026-03-04", "2026-03-17")]
    f = _figures(fc)
    assert f["cost"] == ("208.25", "169.40", "38.85")
    assert f["payout"][0] == "208.25" and f["earners"][0] == "3.00"
    assert f["earner_rate"][0] == "1.0000"
    assert f["paying_for_baseline_share"] == ("0.8392", "0.8278", "0.0114")
    assert (f["baseline_value"][0], f["margin"][0]) == ("3605.00", "0.3000")
    assert (f["expected_lift_pct"][0], f["similar_programs"][0]) == ("10.0000", "1")
    assert f["cost_at_lift"] == ("254.63", "206.50", "48.13")
    assert f["earners_at_lift"][0] == "3.00"
    assert f["expected_incremental_value"][0] == "360.50"
    assert (f["expected_roi"][0], f["roi_low"][0], f["roi_high"][0]) == (
        "-0.5753", "-0.8301", "-0.3204")
    assert f["expected_roi"][1] == "-0.4763"
    assert f["budget_per_period"][0] == "400.00"
    assert D(f["cost_low"][0]) <= D("208.25") <= D(f["cost_high"][0])
    burn = [(r["week_end"], r["draft_cumulative"], r["draft_burn_pct"], r["live_cumulative"])
            for r in burn_rows(fc)]
    assert burn == [("2026-04-07", "73.50", "18.38", "60.20"),
                    ("2026-04-14", "208.25", "52.06", "169.40")]
    earners = [(r["key"], r["participants"], r["payout"], r["upto"], r["payout_share"])
               for r in earner_rows(fc) if r["version"] == "draft"]
    assert earners[:3] == [("below the first slab", "1.00", "14.00", "", ""),
                           ("slab 1 (from 1000)", "1.50", "89.25", "", ""),
                           ("slab 2 (from 2000)", "0.50", "105.00", "", "")]
    assert [(k, u, sh) for k, _n, _p, u, sh in earners[3:]] == [
        ("1", "14.00", "0.0336"), ("2", "14.00", "0.0336"), ("3", "52.50", "0.1261"),
        ("4", "56.00", "0.1345"), ("5", "70.00", "0.1681"), ("6", "210.00", "0.5042")]


def test_without_a_similar_program_no_lift_is_invented(network):
    f = _figures(_forecast(network, past=False))
    assert (f["expected_lift_pct"][0], f["expected_roi"][0], f["cost_at_lift"][0]) == (
        "", "", "")
    assert f["similar_programs"][0] == "0" and f["cost"][0] == "208.25"
    assert f["paying_for_baseline_share"][0] == "0.9328"  # on history


def test_a_period_with_no_history_before_it_is_refused(network, tmp_path):
    from schemeops.errors import UsageError

    early = s.DRAFT.replace("2026-04-01, end: 2026-04-14", "2026-03-01, end: 2026-03-31")
    with pytest.raises(UsageError, match="hold no whole span before it"):
        forecast(_program(tmp_path, early, "e.yaml"), connect_warehouse(network[1], "duckdb"))


@pytest.mark.spark
def test_spark_gives_the_same_forecast(network):
    duck, spark = _forecast(network), _forecast(network, "spark")
    assert forecast_rows(spark) == forecast_rows(duck)
    assert burn_rows(spark) == burn_rows(duck)
    assert earner_rows(spark) == earner_rows(duck)
