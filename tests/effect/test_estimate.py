"""The estimator's invariants (hypothesis) and its control matching, on small arrays."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schemeops.effect.baseline import (
    Cube,
    choose_span,
    monthly_baseline,
    season_index,
    span_errors,
)
from schemeops.effect.estimate import (
    Parts,
    counted,
    counterfactuals,
    lift_pct,
    match,
    parts,
    per_draw_span,
    standing_out,
)
from schemeops.effect.facts import build_calendar
from schemeops.engine.periods import Window

WINDOWS = (Window(1, dt.date(2026, 2, 1), dt.date(2026, 2, 10)),
           Window(2, dt.date(2026, 3, 21), dt.date(2026, 3, 30)))
CALENDAR = build_calendar(WINDOWS, dt.date(2026, 1, 1), dt.date(2026, 4, 30))
ATOMS = len(CALENDAR.atoms)

levels = st.lists(st.floats(1, 1000), min_size=ATOMS * 3, max_size=ATOMS * 3)


def _estimate(series: np.ndarray, n_treated: int):
    controls = np.arange(n_treated, series.shape[0])
    is_control = np.zeros(series.shape[0], bool)
    is_control[controls] = True
    season = season_index(Cube(np.arange(series.shape[0]), series, series), CALENDAR,
                          is_control)
    keys = np.array([["gold", "North"]] * n_treated)
    ckeys = np.array([["gold", "North"]] * controls.size)
    return [parts(counterfactuals(series, calendar=CALENDAR, season=season, no=no,
                                  treated=np.arange(n_treated), controls=controls,
                                  matching=match(keys, ckeys),
                                  weights=np.ones((1, controls.size))))
            for no in (1, 2)]


@settings(max_examples=50, deadline=None)
@given(levels, st.floats(0.1, 10), st.floats(0.1, 10))
def test_a_participant_that_moves_with_its_controls_has_no_lift(pattern, k, j):
    """Whatever the market does atom by atom (season, shocks inside a period), a participant
    selling k × what its controls sell has counterfactual = actual in every window: net 0."""
    market = np.asarray(pattern).reshape(1, ATOMS, 3)
    series = np.concatenate([k * market, market, j * market])  # treated, two controls
    for p in _estimate(series, 1):
        assert np.allclose(p.net, 0, atol=1e-6 * market.sum())


@settings(max_examples=50, deadline=None)
@given(levels, levels, st.floats(0.01, 100))
def test_lift_is_the_same_in_any_currency(treated, control, scale):
    """Multiplying every value by one factor leaves every lift % unchanged."""
    series = np.stack([np.reshape(treated, (ATOMS, 3)), np.reshape(control, (ATOMS, 3)),
                       np.reshape(control, (ATOMS, 3))[::-1]])
    for a, b in zip(_estimate(series, 1), _estimate(series * scale, 1), strict=True):
        assert np.allclose(lift_pct(a.net, a.counterfactual),
                           lift_pct(b.net, b.counterfactual), rtol=1e-9, atol=1e-9)


def test_controls_are_matched_by_tier_and_region_then_tier_then_all():
    """gold|North has 3 controls (its own group); gold|South only 1, so gold's 4; silver
    has none, so all 6."""
    controls = np.array([["gold", "North"]] * 3 + [["gold", "South"]] + [["bronze", "East"]] * 2)
    treated = np.array([["gold", "North"], ["gold", "South"], ["silver", "West"]])
    m = match(treated, controls)
    members = [set(np.nonzero(m.members[:, g])[0]) if g >= 0 else set(range(6))
               for g in m.group]
    assert members == [{0, 1, 2}, {0, 1, 2, 3}, set(range(6))]


def test_a_side_part_counts_only_when_it_stands_out_of_the_market():
    """Three control draws of two participants. Halo totals −3, 4, 1: the interval spans 0,
    so the halo is left out (0 in every draw); dip totals 5, 6, 7 and cannibalisation −2,
    −1, −3 exclude 0, so they count. Net per draw = in-scheme − dip − cannibalised."""
    def draws(*rows: tuple[float, float]) -> np.ndarray:
        return np.asarray(rows, float)

    p = Parts(in_scheme=draws((10, 2), (11, 2), (9, 3)),
              halo=draws((-4, 1), (3, 1), (0, 1)), dip=draws((4, 1), (5, 1), (6, 1)),
              cannibalised=draws((-1, -1), (0, -1), (-2, -1)),
              counterfactual=draws((100, 50), (100, 50), (100, 50)),
              before=draws((1, 1), (1, 1), (1, 1)), after=draws((1, 1), (1, 1), (1, 1)))
    kept = standing_out(p)
    assert kept == {"dip", "cannibalised"}
    c = counted(p, kept)
    assert not c.halo.any() and (c.dip == p.dip).all()
    assert c.net.sum(axis=1).tolist() == [12 - 5 + 2, 13 - 6 + 1, 12 - 7 + 3]


#: Eight months of data and one period in July: February to May are clean whole months with
#: a month on each side (the months `span_errors` tests).
SPAN_CALENDAR = build_calendar((Window(1, dt.date(2026, 7, 1), dt.date(2026, 7, 31)),),
                               dt.date(2026, 1, 1), dt.date(2026, 8, 31))


def _monthly(levels: np.ndarray) -> np.ndarray:
    """A P × atoms × 3 series selling `levels[p, month - 1]` per day of each month (the
    scheme's products only)."""
    month = np.asarray([int(a.month[5:]) for a in SPAN_CALENDAR.atoms])
    days = np.asarray(SPAN_CALENDAR.days, float)
    series = np.zeros((levels.shape[0], month.size, 3))
    series[:, :, 0] = levels[:, month - 1] * days
    return series


def test_a_steady_level_with_scatter_takes_a_long_baseline():
    """Two participants alternating 10% above and below a steady level, in opposite phase
    (so the market does not move): the months next to a month are both off the other way
    (predicting 90 for 110, error 20 per participant), while more months average the scatter
    out (error about 10): a span longer than 1 month wins."""
    sign = (-1.0) ** np.arange(8)
    levels = np.stack([100 * (1 + 0.1 * sign), 100 * (1 - 0.1 * sign)])
    ones = np.ones(len(SPAN_CALENDAR.atoms))
    assert choose_span(span_errors(_monthly(levels), SPAN_CALENDAR, ones)) != 1


def test_levels_that_drift_apart_take_the_months_next_to_a_period():
    """One participant grows 10 a month, the other falls 5 (so the market ratio cannot
    absorb it): the mean of the two neighbouring months predicts a month all but exactly
    (only 30 vs 31 days weigh them unequally); every longer span reaches further from the
    month's level on one side in the months away from the middle."""
    m = np.arange(8.0)
    levels = np.stack([100 + 10 * m, 100 - 5 * m])
    ones = np.ones(len(SPAN_CALENDAR.atoms))
    assert choose_span(span_errors(_monthly(levels), SPAN_CALENDAR, ones)) == 1


def test_without_a_clean_month_between_two_others_the_span_stays_one_month():
    """January has no month before, February and March hold periods, April none after."""
    errors = span_errors(np.ones((2, ATOMS, 3)), CALENDAR, np.ones(ATOMS))
    assert not errors.any() and choose_span(errors) == 1


def test_one_month_of_a_sales_jump_does_not_carry_a_long_baseline():
    """Clean months February to May at 100 a day but April at 600 (a jump month, as the
    generator plants): the median of the four monthly values is 100, where the clean days
    pooled would give about (3 × 100 + 600) ÷ 4 = 225. Over the two months next to July
    (June and August, at 100 and 140) it is their mean, 120."""
    levels = np.array([[100, 100, 100, 600, 100, 100, 100, 140]], float)
    series = _monthly(levels)
    ones = np.ones(len(SPAN_CALENDAR.atoms))
    months = np.asarray([int(a.month[5:]) for a in SPAN_CALENDAR.atoms])
    spring = (months >= 2) & (months <= 5)
    assert np.isclose(monthly_baseline(series, SPAN_CALENDAR, ones, spring)[0, 0], 100)
    summer = (months == 6) | (months == 8)
    assert np.isclose(monthly_baseline(series, SPAN_CALENDAR, ones, summer)[0, 0], 120)


def test_each_draw_takes_the_span_its_resampled_participants_choose():
    """Two treated and two controls; in-time placebo errors per span (1, 2, 3, all): each
    treated 0, 5, 5, 5; the controls 3 and 20 at span 1, else 0. A draw taking control 0
    twice sums 2 × 3 + 0 = 6 at span 1 against 10 at the others: span 1; one taking
    control 1 twice sums 40 against 10: span 2 (the first of the tie). Each draw's
    counterfactuals are those of its span."""
    sign = (-1.0) ** np.arange(8)
    series = _monthly(np.stack([100 * (1 + 0.1 * sign), 80 * (1 - 0.1 * sign),
                                120 * (1 + 0.2 * sign), 90 + 5 * np.arange(8)]))
    errors = np.array([[0, 5, 5, 5], [0, 5, 5, 5], [3, 0, 0, 0], [20, 0, 0, 0]], float)
    wt, wc = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([[2.0, 0.0], [0.0, 2.0]])
    common = {"calendar": SPAN_CALENDAR, "season": np.ones(len(SPAN_CALENDAR.atoms)),
              "no": 1, "treated": np.arange(2), "controls": np.arange(2, 4),
              "matching": match(np.array([["gold", "North"]] * 2),
                                np.array([["gold", "North"]] * 2))}
    drawn = per_draw_span(series, errors=errors, wt=wt, wc=wc, **common)
    for row, span in ((0, 1), (1, 2)):
        alone = counterfactuals(series, weights=wc, span=span, **common)
        for key, cf in drawn.counterfactual.items():
            assert np.allclose(cf[row], alone.counterfactual[key][row])
    one, two = (counterfactuals(series, weights=wc, span=k, **common) for k in (1, 2))
    assert not np.allclose(one.counterfactual[("in", 0)], two.counterfactual[("in", 0)])
