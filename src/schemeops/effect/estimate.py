"""Difference-in-differences against controls, net incremental value, and bootstrap intervals.

For each treated participant and window (pre, in, post), the counterfactual is its baseline
expectation × its control group's ratio of actual to baseline expectation over the same
window (1 without controls). Deviation = actual − counterfactual. Net incremental =
in-scheme deviation + pre-window deviation (halo, or pull-forward when negative) +
post-window deviation (the dip, when negative) + the sibling SKUs' in-scheme deviation
(cannibalisation, when negative); each of those three only when it stands out of the
market's moves (`standing_out`).

Intervals: `resamples` bootstrap draws. A draw resamples the controls (with replacement),
which moves every counterfactual, and, for the program's row, the treated participants too;
a participant's own draws also move its counterfactual by its own noise (`own_noise`).
Whole-array NumPy over (draws × participants); the only loops are over windows and classes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from schemeops.effect.baseline import (
    MIN_MONTH_DAYS,
    SPANS,
    baseline_per_day,
    clean_mask,
    monthly_baseline,
    near_mask,
    weighted_days,
    window_mask,
)
from schemeops.effect.facts import OTHER, SCHEME, SIBLING, Calendar

#: Fewest controls for a match group (tier × region, then tier) to be used on its own.
MIN_CONTROLS = 3
#: The interval's percentiles (a 90% interval).
LOW, HIGH = 5.0, 95.0
#: How many times its baseline, relative to the controls', a seller's sales of the products
#: the scheme leaves alone (neither its products nor their siblings) must reach in a window
#: of a period for `sales_jumps` to call it a jump.
JUMP = 3.5


@dataclass(frozen=True)
class Matching:
    """Controls' membership of each match group (C × G) and each treated participant's
    group (T,), −1 meaning all controls."""

    members: np.ndarray
    group: np.ndarray


def match(treated: np.ndarray, controls: np.ndarray) -> Matching:
    """Groups for treated participants from their (tier, region) keys (T × 2 and C × 2
    arrays of strings): the same tier and region when at least MIN_CONTROLS controls share
    them, else the same tier, else all controls."""
    if controls.shape[0] == 0:
        return Matching(np.zeros((0, 0)), np.full(treated.shape[0], -1, np.int64))
    keys_tr = np.char.add(np.char.add(treated[:, 0].astype(str), "|"),
                          treated[:, 1].astype(str))
    keys_c = np.char.add(np.char.add(controls[:, 0].astype(str), "|"),
                         controls[:, 1].astype(str))
    tier_c = controls[:, 0].astype(str)
    cand = np.concatenate([np.char.add("tr:", np.unique(keys_c)),
                           np.char.add("t:", np.unique(tier_c))])
    members = np.concatenate([keys_c[:, None] == np.unique(keys_c)[None, :],
                              tier_c[:, None] == np.unique(tier_c)[None, :]], axis=1)
    size = members.sum(axis=0)
    want_tr = np.char.add("tr:", keys_tr)
    want_t = np.char.add("t:", treated[:, 0].astype(str))
    big = size >= MIN_CONTROLS
    g_tr, g_t = _lookup(cand, want_tr), _lookup(cand, want_t)
    ok_tr = (g_tr >= 0) & big[np.maximum(g_tr, 0)]
    ok_t = (g_t >= 0) & big[np.maximum(g_t, 0)]
    group = np.where(ok_tr, g_tr, np.where(ok_t, g_t, -1))
    return Matching(members.astype(float), group)


def _lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The position of each wanted key in `keys` (−1 when absent)."""
    if keys.size == 0:
        return np.full(wanted.size, -1, np.int64)
    order = np.argsort(keys)
    at = np.clip(np.searchsorted(keys[order], wanted), 0, keys.size - 1)
    return np.where(keys[order][at] == wanted, order[at], -1)


def ratios(actual_c: np.ndarray, expected_c: np.ndarray, matching: Matching,
           weights: np.ndarray) -> np.ndarray:
    """Each treated participant's control ratio Σ actual ÷ Σ expected over its group's
    controls, per draw (draws × T); 1 where the group has no expectation in a draw."""
    num = (weights * actual_c) @ matching.members
    den = (weights * expected_c) @ matching.members
    num_all = (weights * actual_c).sum(axis=1, keepdims=True)
    den_all = (weights * expected_c).sum(axis=1, keepdims=True)
    num = np.concatenate([num, num_all], axis=1)
    den = np.concatenate([den, den_all], axis=1)
    r = np.divide(num, den, out=np.ones_like(num), where=den > 0)
    all_ok = den[:, -1:] > 0
    cols = np.where(matching.group >= 0, matching.group, num.shape[1] - 1)
    chosen = r[:, cols]
    has = den[:, cols] > 0
    return np.where(has, chosen, np.where(all_ok, r[:, -1:], 1.0))


def sales_jumps(series: np.ndarray, *, calendar: Calendar, season: np.ndarray, no: int,
                controls: np.ndarray) -> np.ndarray:
    """Which participants' sales jumped in a window of period `no` (before, in, after it), a
    bool per row of the P × atoms × 3 `series`: both the scheme's products and the others
    (the first and third classes) sold at least JUMP times their baseline (the median
    month, over every month) times the controls' median ratio (a median: one control's jump
    must not carry the market).

    A scheme moves its products and their siblings, not a seller's every product: a jump
    in both is something else (a distributor's stock-up, stuffing, a data error), and read
    as lift or as a market move it would carry a program's estimate (docs/effectiveness.md,
    "Sales jumps"); asking it of both keeps a seller whose other products alone are noisy.
    A seller with no other products (a scheme on every product) never jumps."""
    base = monthly_baseline(series, calendar, season, near_mask(calendar, no, None))
    out = np.zeros(series.shape[0], bool)
    for kind in ("pre", "in", "post"):
        mask = window_mask(calendar, kind, no)
        days = weighted_days(calendar, season, mask)
        both = np.ones(series.shape[0], bool)
        for cls in (OTHER, SCHEME):
            a = series[:, mask, cls].sum(axis=1)
            e = base[:, cls] * days
            has = e[controls] > 0
            market = (float(np.median(a[controls][has] / e[controls][has])) if has.any()
                      else 1.0)
            both &= (a > JUMP * e * market) & (base[:, cls] > 0)
        out |= both
    return out


@dataclass(frozen=True)
class Draws:
    """Per window and class, the counterfactual (draws × T), with the actual (T,)."""

    counterfactual: dict[tuple[str, int], np.ndarray]
    actual: dict[tuple[str, int], np.ndarray]


def counterfactuals(series: np.ndarray, *, calendar: Calendar, season: np.ndarray, no: int,
                    treated: np.ndarray, controls: np.ndarray, matching: Matching,
                    weights: np.ndarray, span: int | None = 1) -> Draws:
    """Counterfactual and actual of the treated (rows `treated` of the P × atoms × 3
    `series`) in period `no`'s windows, scheme and sibling classes, with baselines from the
    months within `span` of the period (`baseline.near_mask`)."""
    base = monthly_baseline(series, calendar, season, near_mask(calendar, no, span))
    cf, actual = {}, {}
    for kind in ("pre", "in", "post"):
        mask = window_mask(calendar, kind, no)
        days = weighted_days(calendar, season, mask)
        for cls in (SCHEME, SIBLING):
            a = series[:, mask, cls].sum(axis=1)
            e = base[:, cls] * days
            if controls.size:
                r = ratios(a[controls][None, :], e[controls][None, :], matching, weights)
            else:
                r = np.ones((weights.shape[0], treated.size))
            cf[(kind, cls)] = e[treated][None, :] * r
            actual[(kind, cls)] = a[treated]
    return Draws(cf, actual)


def per_draw_span(series: np.ndarray, *, errors: np.ndarray, wt: np.ndarray, wc: np.ndarray,
                  **common: object) -> Draws:
    """The drawn counterfactuals when each draw chooses its own baseline span: the span
    whose in-time placebo error (`baseline.span_errors`, P × spans) summed over the draw's
    resampled treated (weights `wt`) and controls (`wc`) is least. The span is chosen from
    the data, so the draws choose it again; where the choice is unstable (a few participants
    decide it) the interval widens accordingly."""
    treated, controls = common["treated"], common["controls"]
    pick = np.argmin(wt @ errors[treated] + wc @ errors[controls], axis=1)  # first on a tie
    chosen = {k: counterfactuals(series, weights=wc, span=SPANS[k], **common)
              for k in np.unique(pick).tolist()}  # at most len(SPANS) spans
    rows = {k: (pick == k)[:, None] for k in chosen}

    def pooled(key: tuple[str, int]) -> np.ndarray:
        return sum(np.where(rows[k], d.counterfactual[key], 0.0) for k, d in chosen.items())

    first = next(iter(chosen.values()))
    return Draws({key: pooled(key) for key in first.counterfactual}, first.actual)


@dataclass(frozen=True)
class Parts:
    """Net incremental and its parts, each (draws × T)."""

    in_scheme: np.ndarray
    halo: np.ndarray
    dip: np.ndarray
    cannibalised: np.ndarray
    counterfactual: np.ndarray
    #: the counterfactuals of the scheme's products before and after the period
    before: np.ndarray
    after: np.ndarray

    @property
    def net(self) -> np.ndarray:
        """in-scheme − dip − cannibalised + halo."""
        return self.in_scheme - self.dip - self.cannibalised + self.halo


def parts(d: Draws) -> Parts:
    """The parts of the net incremental from the deviations (actual − counterfactual)."""
    def dev(kind: str, cls: int) -> np.ndarray:
        return d.actual[(kind, cls)][None, :] - d.counterfactual[(kind, cls)]
    return Parts(in_scheme=dev("in", SCHEME), halo=dev("pre", SCHEME),
                 dip=-dev("post", SCHEME), cannibalised=-dev("in", SIBLING),
                 counterfactual=d.counterfactual[("in", SCHEME)],
                 before=d.counterfactual[("pre", SCHEME)],
                 after=d.counterfactual[("post", SCHEME)])


#: The parts of the net beside the in-scheme deviation; each counts only when it stands out.
SIDE_PARTS = ("halo", "dip", "cannibalised")


def standing_out(drawn: Parts) -> frozenset[str]:
    """The side parts whose program total stands out of the market's moves: its 90%
    interval over the draws that resample the controls only excludes 0. The 14-day windows
    before and after a period and the sibling SKUs each add their own drift to the net; a
    part the controls' moves alone could explain is left out (0) rather than counted as
    noise (on the coverage networks, docs/effectiveness.md, this narrows the program's
    interval by about a third; coverage of the truth stays at or above 80%). A pre-test: a
    real part too small to stand out is left out."""
    out = set()
    for name in SIDE_PARTS:
        lo, hi = interval(getattr(drawn, name).sum(axis=1))
        if lo > 0 or hi < 0:
            out.add(name)
    return frozenset(out)


def counted(p: Parts, parts_counted: frozenset[str]) -> Parts:
    """`p` with the side parts not in `parts_counted` set to 0."""
    return replace(p, **{name: np.zeros_like(getattr(p, name)) for name in SIDE_PARTS
                         if name not in parts_counted})


def interval(values: np.ndarray) -> tuple[float, float]:
    """The 90% percentile interval of draws along axis 0 (NaN draws left out)."""
    with warnings.catch_warnings():  # a participant with no baseline has only NaN draws
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanpercentile(values, [LOW, HIGH], axis=0)
    return lo, hi


def lift_pct(net: np.ndarray, counterfactual: np.ndarray) -> np.ndarray:
    """100 × net ÷ counterfactual (NaN where the counterfactual is not positive)."""
    return np.divide(100 * net, counterfactual, out=np.full_like(net, np.nan),
                     where=counterfactual > 0)


def roi(value: np.ndarray, margin: float, cost: np.ndarray) -> np.ndarray:
    """(value × margin − cost) ÷ cost (NaN where cost is not positive)."""
    return np.divide(value * margin - cost, cost, out=np.full_like(value, np.nan),
                     where=cost > 0)


def resample_weights(rng: np.random.Generator, n: int, draws: int) -> np.ndarray:
    """How often each of n units is drawn, per bootstrap draw (draws × n)."""
    if n == 0:
        return np.zeros((draws, 0))
    return rng.multinomial(n, np.full(n, 1.0 / n), size=draws).astype(float)


def own_noise(series: np.ndarray, *, calendar: Calendar, season: np.ndarray,
              controls: np.ndarray, window_days: int) -> np.ndarray:
    """Each participant's relative noise over a window of `window_days` (P,): the root mean
    square, over its clean months, of (its level ÷ its baseline) ÷ (the controls' level ÷
    theirs) − 1, scaled by √(month's clean days ÷ window days) as for counts. What moves
    from window to window without any scheme, so a participant's interval is not narrower
    than its own history; the median over participants where it has fewer than 2 months."""
    clean = clean_mask(calendar)
    months = np.asarray([a.month for a in calendar.atoms])
    _, m = np.unique(months, return_inverse=True)
    onehot = (m[:, None] == np.arange(m.max() + 1)[None, :]) & clean[:, None]
    days = np.asarray(calendar.days, float)
    n_m = days @ onehot
    d_m = (days * season) @ onehot
    v = series[:, :, SCHEME] @ onehot  # P × months
    base = baseline_per_day(series, calendar, season)[:, SCHEME]
    level = np.divide(v, d_m * base[:, None], out=np.full(v.shape, np.nan),
                      where=(d_m * base[:, None]) > 0)
    if controls.size:
        market = np.divide(v[controls].sum(0), d_m * base[controls].sum(),
                           out=np.full(n_m.shape, np.nan), where=d_m > 0)
    else:
        market = np.ones(n_m.shape)
    e = level / market[None, :] - 1
    valid = (n_m >= MIN_MONTH_DAYS)[None, :] & np.isfinite(e)
    count = valid.sum(axis=1)
    rms = np.sqrt(np.divide(np.where(valid, e * e, 0).sum(axis=1), count,
                            out=np.full(count.shape, np.nan), where=count > 0))
    rms = np.where(count >= 2, rms, np.nan)
    if np.isnan(rms).all():
        return np.zeros(count.shape)
    rms = np.where(np.isnan(rms), np.nanmedian(rms), rms)
    used = n_m[n_m >= MIN_MONTH_DAYS]
    scale = np.sqrt(used.mean() / max(window_days, 1)) if used.size else 1.0
    return rms * scale
