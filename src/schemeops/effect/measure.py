"""One period's measurement: estimates per treated participant and for the program, with
cost, ROI and the paying-for-baseline share, from the cube and the engine's results."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from schemeops.effect.baseline import SPANS, choose_span, window_mask
from schemeops.effect.estimate import (
    Matching,
    counted,
    counterfactuals,
    interval,
    lift_pct,
    own_noise,
    parts,
    per_draw_span,
    resample_weights,
    roi,
    standing_out,
)
from schemeops.effect.facts import Calendar
from schemeops.program.model import Program


@dataclass(frozen=True)
class Inputs:
    """What the measurement of one period reads (arrays over the treated unless said)."""

    program: Program
    no: int
    calendar: Calendar
    season: np.ndarray
    value: np.ndarray          # the cube's value series (P × atoms × 3)
    units: np.ndarray          # the cube's units series (P × atoms × 3)
    treated: np.ndarray        # rows of the cube
    controls: np.ndarray       # rows of the cube
    matching: Matching
    payout_cents: np.ndarray   # int64
    cost_cents: np.ndarray     # int64
    kpi_actual: np.ndarray     # the first slab component's KPI (NaN: unknown)
    kpi_target: np.ndarray
    margin: Decimal | None     # 1 − Σ cost of goods ÷ Σ value of the scheme's sales
    span_errors: np.ndarray | None = None  # P × spans (`baseline.span_errors`); None: 1
    #: the treated the program's row reads (False: sales jumped, `estimate.sales_jumps`);
    #: None: all
    in_program: np.ndarray | None = None


@dataclass(frozen=True)
class Measured:
    """Per treated participant (arrays) and for the program (scalars)."""

    lift: np.ndarray
    lift_low: np.ndarray
    lift_high: np.ndarray
    net_cents: np.ndarray
    roi: np.ndarray
    roi_low: np.ndarray
    roi_high: np.ndarray
    paid_for_baseline: np.ndarray
    counterfactual: np.ndarray
    actual: np.ndarray
    in_scheme: np.ndarray
    halo: np.ndarray
    dip: np.ndarray
    cannibalised: np.ndarray
    net_units: np.ndarray
    program_lift: float
    program_lift_interval: tuple[float, float]
    program_roi: Decimal | None
    program_roi_interval: tuple[float, float]
    paying_for_baseline_share: Decimal | None
    #: the side parts counted in the net (`estimate.standing_out`)
    parts_counted: frozenset[str]
    #: the treated whose lift the program's row reads (the others' sales jumped)
    in_program: np.ndarray
    #: Σ counterfactual of every treated ÷ that of `in_program`: what scales a sum over
    #: `in_program` to the whole program (its lift applied to every counterfactual)
    program_share: float
    #: the program's incremental value in cents: `in_program`'s, scaled by `program_share`
    program_net_cents: int


def cents(x: np.ndarray) -> np.ndarray:
    """Amounts as whole cents, half away from zero (rounded to 1e-6 first, so a float's
    last-bit error never flips a half)."""
    c = np.round(np.asarray(x, float) * 100, 6)
    return (np.sign(c) * np.floor(np.abs(c) + 0.5)).astype(np.int64)


def first_slab(program: Program) -> tuple[str, str, Decimal, bool] | None:
    """(kpi, on, threshold, strict) of the first slab of the first component with slabs."""
    for c in program.components:
        if c.kpi and c.slabs:
            s = c.slabs[0]
            strict = s.from_ is None
            return c.kpi, c.on, (s.above if strict else s.from_), strict
    return None


def _baseline_reached(i: Inputs, cf: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Whether each treated participant's baseline already reached the first slab: its KPI
    scaled by counterfactual ÷ actual value of the scheme's products (the KPI itself when
    it is that value), against the threshold (× target on attainment)."""
    slab = first_slab(i.program)
    if slab is None:
        return np.zeros(actual.shape, bool)
    _kpi, on, threshold, strict = slab
    scale = np.divide(cf, actual, out=np.ones_like(cf), where=actual > 0)
    base_kpi = i.kpi_actual * scale
    need = float(threshold) * (i.kpi_target if on == "attainment" else 1.0)
    return base_kpi > need if strict else base_kpi >= need  # False where either is NaN


def measure(i: Inputs, *, resamples: int, seed: int) -> Measured:
    """Point estimates (every control once) and bootstrap intervals."""
    rng = np.random.default_rng([seed, i.no])
    common = {"calendar": i.calendar, "season": i.season, "no": i.no, "treated": i.treated,
              "controls": i.controls, "matching": i.matching}
    wc = resample_weights(rng, i.controls.size, resamples)
    wt = resample_weights(rng, i.treated.size, resamples)
    errors = (np.zeros((i.value.shape[0], len(SPANS))) if i.span_errors is None
              else i.span_errors)
    drawn = parts(per_draw_span(i.value, errors=errors, wt=wt, wc=wc, **common))
    kept = standing_out(drawn)
    drawn = counted(drawn, kept)
    once = {"weights": np.ones((1, i.controls.size)), "span": choose_span(errors), **common}
    point = counted(parts(counterfactuals(i.value, **once)), kept)
    units = counted(parts(counterfactuals(i.units, **once)), kept)
    margin = float(i.margin) if i.margin is not None else np.nan
    cost = i.cost_cents / 100
    net = point.net[0]
    cf = point.counterfactual[0]
    actual = cf + point.in_scheme[0]
    # a participant's draws: its counterfactuals also moved by its own window-to-window noise
    # (the windows before and after only when their part is counted)
    shifts = []
    for kind, cf_w, part in (("in", drawn.counterfactual, "in"), ("pre", drawn.before, "halo"),
                             ("post", drawn.after, "dip")):
        days = int(window_mask(i.calendar, kind, i.no) @ np.asarray(i.calendar.days))
        sigma = own_noise(i.value, calendar=i.calendar, season=i.season,
                          controls=i.controls, window_days=days)[i.treated]
        on = 1.0 if part == "in" or part in kept else 0.0
        shifts.append(on * cf_w * sigma[None, :] * rng.standard_normal(cf_w.shape))
    own_net = drawn.net - sum(shifts)
    shift = shifts[0]
    lift_draws = lift_pct(own_net, drawn.counterfactual + shift)
    roi_draws = roi(own_net, margin, cost[None, :])
    # the program: treated resampled too (weights × each draw's participants). Its lift is
    # that of the participants whose sales did not jump, applied to every participant's
    # counterfactual (a jump hides a seller's own lift); its cost is all it paid.
    k = np.ones(i.treated.size, bool) if i.in_program is None else i.in_program
    wk = wt * k[None, :]
    prog_net, prog_cf = (wk * drawn.net).sum(axis=1), (wk * drawn.counterfactual).sum(axis=1)
    prog_value = _scaled(prog_net, (wt * drawn.counterfactual).sum(axis=1), prog_cf)
    prog_cost = wt @ cost
    net_cents = cents(net)
    reached = _baseline_reached(i, cf, actual)
    share = float(_scaled(1.0, cf.sum(), cf[k].sum()))
    program_net = int(cents(np.asarray([share * float(net_cents[k].sum()) / 100]))[0])
    return Measured(
        lift=lift_pct(net, cf), lift_low=interval(lift_draws)[0],
        lift_high=interval(lift_draws)[1], net_cents=net_cents,
        roi=roi(net_cents / 100, margin, cost), roi_low=interval(roi_draws)[0],
        roi_high=interval(roi_draws)[1],
        paid_for_baseline=reached, counterfactual=cf, actual=actual,
        in_scheme=point.in_scheme[0], halo=point.halo[0], dip=point.dip[0],
        cannibalised=point.cannibalised[0], net_units=units.net[0],
        program_lift=float(lift_pct(np.asarray([net[k].sum()]),
                                    np.asarray([cf[k].sum()]))[0]),
        program_lift_interval=interval(lift_pct(prog_net, prog_cf)),
        program_roi=program_roi(program_net, i.margin, int(i.cost_cents.sum())),
        program_roi_interval=interval(roi(prog_value, margin, prog_cost)),
        paying_for_baseline_share=share_paid_for_baseline(i.payout_cents, reached),
        parts_counted=kept, in_program=k, program_share=share, program_net_cents=program_net)


def _scaled(value: np.ndarray | float, whole: np.ndarray | float,
            part: np.ndarray | float) -> np.ndarray:
    """`value` × whole ÷ part: a sum over some participants scaled to all of them (the
    value itself where `part` is not positive)."""
    value, whole, part = np.asarray(value), np.asarray(whole), np.asarray(part)
    return np.where(part > 0, value * whole / np.where(part > 0, part, 1.0), value)


def program_roi(net_cents: int, margin: Decimal | None, cost_cents: int) -> Decimal | None:
    """(incremental × margin − cost) ÷ cost, exactly, half-up to 4 places."""
    if margin is None or cost_cents <= 0:
        return None
    value, cost = Decimal(net_cents) / 100, Decimal(cost_cents) / 100
    return ((value * margin - cost) / cost).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def share_paid_for_baseline(payout_cents: np.ndarray, reached: np.ndarray) -> Decimal | None:
    """Payout to participants whose baseline reached the first slab ÷ all payout, exactly,
    half-up to 4 places (None when nothing is paid)."""
    total = int(payout_cents.sum())
    if total <= 0:
        return None
    part = int(payout_cents[reached].sum())
    return (Decimal(part) / Decimal(total)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
