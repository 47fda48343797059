"""Baselines from non-scheme history, seasonally adjusted, on the aggregated facts.

The facts (a few rows per participant) become dense arrays participant × atom × class; every
step here is whole-array NumPy, no loop over participants.

- Season index of a month: the reference group's value per day in it over its value per day
  across the data (the reference group is the controls, never enrolled, so a scheme's own
  lift never enters it; with no controls every index is 1).
- Baseline of a participant: its value on clean days (outside every period and its halo
  windows) over the season-weighted count of those days, i.e. its deseasonalised value per
  day; its expectation over a window is that × the window's season-weighted days. A
  period's baseline reads only the clean days of the months next to it (`near_mask`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.effect.facts import SCHEME, Calendar


@dataclass(frozen=True)
class Cube:
    """Facts as dense arrays: `ids` (P,), `value` and `units` (P × atoms × 3 classes)."""

    ids: np.ndarray
    value: np.ndarray
    units: np.ndarray


def to_cube(facts: pa.Table, ids: list[str], atoms: int) -> Cube:
    """The facts of `ids` (in that order) as a dense cube (absent cells are 0)."""
    p = pc.index_in(facts["participant_id"], value_set=pa.array(ids, pa.string()))
    keep = pc.is_valid(p).to_numpy(zero_copy_only=False)
    at = (p.to_numpy(zero_copy_only=False)[keep].astype(np.int64),
          facts["atom"].to_numpy()[keep], facts["cls"].to_numpy()[keep])
    value = np.zeros((len(ids), atoms, 3))
    units = np.zeros((len(ids), atoms, 3))
    for name, cube in (("value", value), ("units", units)):
        column = pc.cast(facts[name], pa.float64()).to_numpy(zero_copy_only=False)
        np.add.at(cube, at, np.nan_to_num(column[keep]))
    return Cube(np.asarray(ids, dtype=object), value, units)


def season_index(cube: Cube, calendar: Calendar, reference: np.ndarray) -> np.ndarray:
    """Each atom's month's season index from the participants `reference` (a mask); all 1
    when it is empty or sold nothing."""
    days = np.asarray(calendar.days, float)
    if not reference.any():
        return np.ones(len(days))
    months = np.asarray([a.month for a in calendar.atoms])
    per_atom = cube.value[reference].sum(axis=(0, 2))
    total = per_atom.sum()
    if total <= 0:
        return np.ones(len(days))
    _, m = np.unique(months, return_inverse=True)
    month_value = np.bincount(m, per_atom)
    month_days = np.bincount(m, days)
    index = (month_value / month_days) / (total / days.sum())
    return np.where(index[m] > 0, index[m], 1.0)


def weighted_days(calendar: Calendar, season: np.ndarray, mask: np.ndarray) -> float:
    """Σ days × season index over the atoms in `mask`."""
    return float((np.asarray(calendar.days, float) * season * mask).sum())


def clean_mask(calendar: Calendar) -> np.ndarray:
    """The atoms of clean baseline days."""
    return np.asarray([not a.windows for a in calendar.atoms])


def window_mask(calendar: Calendar, kind: str, no: int) -> np.ndarray:
    """The atoms of one window of period `no` (`pre`, `in` or `post`)."""
    return np.asarray([(kind, no) in a.windows for a in calendar.atoms])


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7])


def _months(calendar: Calendar) -> np.ndarray:
    """Each atom's month as a number (year × 12 + month)."""
    return np.asarray([_month_number(a.month) for a in calendar.atoms])


def near_mask(calendar: Calendar, no: int, span: int | None = 1) -> np.ndarray:
    """The atoms of the months from `span` before period `no`'s first month to `span` after
    its last (every atom when `span` is None, or when those months have no clean day). Where
    levels drift from month to month the clean days next to a period predict it better than
    the whole history; where they only scatter around a steady level, more months average
    the scatter out (`choose_span` decides which)."""
    months = _months(calendar)
    inside = months[window_mask(calendar, "in", no)]
    if inside.size == 0 or span is None:
        return np.ones(months.size, bool)
    near = (months >= inside.min() - span) & (months <= inside.max() + span)
    return near if (near & clean_mask(calendar)).any() else np.ones(months.size, bool)


#: The baseline spans tried (months on each side of a period; None: every month).
SPANS: tuple[int | None, ...] = (1, 2, 3, None)


def span_errors(series: np.ndarray, calendar: Calendar, season: np.ndarray) -> np.ndarray:
    """Each participant's squared error (P × len(SPANS)) in an in-time placebo: for every
    month of clean days only with a month of data on each side, its value of the scheme's
    products in that month predicted by its `monthly_baseline` from the other months within
    the span × the month's season-weighted days × the market's ratio of actual to predicted
    over all participants (as the difference in differences does), summed over those
    months; all 0 when no month qualifies."""
    months = _months(calendar)
    clean = clean_mask(calendar)
    present = set(months.tolist())
    tested = [m for m in sorted(present) if clean[months == m].all()
              and m - 1 in present and m + 1 in present]
    error = np.zeros((series.shape[0], len(SPANS)))
    for m in tested:  # a few months × a few spans, each whole-array over participants
        month = months == m
        actual = series[:, month, SCHEME].sum(axis=1)
        days = weighted_days(calendar, season, month)
        for k, span in enumerate(SPANS):
            near = ~month if span is None else ~month & (np.abs(months - m) <= span)
            expected = monthly_baseline(series, calendar, season, near)[:, SCHEME] * days
            ratio = actual.sum() / expected.sum() if expected.sum() > 0 else 1.0
            error[:, k] += (actual - expected * ratio) ** 2
    return error


def choose_span(errors: np.ndarray) -> int | None:
    """The span with the least squared error summed over participants (`span_errors`; the
    program's error is their sum, so large participants count most): persistent level
    shifts favour a short span, scatter around a steady level a long one. 1 (the months
    next to a period) on a tie or when no month was tested."""
    return SPANS[int(np.argmin(errors.sum(axis=0)))]  # argmin keeps the first on a tie


def baseline_per_day(series: np.ndarray, calendar: Calendar, season: np.ndarray,
                     within: np.ndarray | None = None) -> np.ndarray:
    """Deseasonalised value per day on clean days (P × 3) of a cube series (P × atoms × 3),
    only those of the atoms `within` when given; 0 where there are no clean days."""
    clean = clean_mask(calendar) if within is None else clean_mask(calendar) & within
    denom = weighted_days(calendar, season, clean)
    if denom <= 0:
        return np.zeros((series.shape[0], series.shape[2]))
    return series[:, clean, :].sum(axis=1) / denom


#: Fewest clean days for a month to count on its own (`monthly_baseline`, own noise).
MIN_MONTH_DAYS = 7


def monthly_baseline(series: np.ndarray, calendar: Calendar, season: np.ndarray,
                     within: np.ndarray) -> np.ndarray:
    """A period's baseline per day (P × 3): the median, over the months of the atoms
    `within` with at least MIN_MONTH_DAYS clean days, of each month's deseasonalised value
    per clean day, so one month of a sales jump or stuffing in a long baseline does not
    carry it (with two months, their mean); `baseline_per_day` over those atoms when no
    month has enough clean days."""
    clean = clean_mask(calendar) & within
    months = _months(calendar)
    _, m = np.unique(months, return_inverse=True)
    onehot = (m[:, None] == np.arange(m.max() + 1)[None, :]) & clean[:, None]
    days = np.asarray(calendar.days, float)
    enough = days @ onehot >= MIN_MONTH_DAYS
    if not enough.any():
        return baseline_per_day(series, calendar, season, within)
    per_month = np.einsum("pac,am->pmc", series, onehot[:, enough].astype(float))
    rate = per_month / ((days * season) @ onehot[:, enough])[None, :, None]
    return np.median(rate, axis=1)
