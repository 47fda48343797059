"""Slab bunching: a distributor whose month-end bills land its net value just above its
volume target (100–103%) month after month, while its natural level is about 91% of it
(subtle: 100–101%, in four months spread over the window)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Months bunched per case; share of a month's value the natural level must stay below.
BUNCHED_MONTHS, BELOW = 4, 0.985


@dataclass(frozen=True)
class Bunched:
    """One case in a chunk: label row, volume target (rupees), bunched months, bills lifted."""

    label: int
    target: int
    months: list[int]
    lines: np.ndarray


def volume_target(monthly: np.ndarray) -> int:
    """The volume target (rupees) targets.py sets from a seller's monthly net value (paise)."""
    return int(max(1000, round(monthly.mean() * 1.1 / 100 / 1000) * 1000))


def bunch(rng: np.random.Generator, cases: list[tuple[int, int]], value: np.ndarray,
          seller: np.ndarray, month: np.ndarray, last_days: np.ndarray, returned: np.ndarray,
          units: np.ndarray, amount: np.ndarray, price: np.ndarray, bp: np.ndarray,
          subtle: bool) -> list[Bunched]:
    """Lift one late bill per bunched month of each (label row, local seller) case so that
    the month's net value lands at 100–103% of the target set from the natural level; updates
    `units`, `amount` and `value` (local seller × month, paise) in place."""
    out = []
    for label, s in cases:  # one iteration per planted case in the chunk
        target = volume_target(value[s])
        t_paise = target * 100
        months = [m for m in range(value.shape[1]) if value[s, m] < BELOW * t_paise]
        # Subtle: four of those months anywhere in the window, not the first four in a row.
        months = (sorted(rng.permutation(months)[:BUNCHED_MONTHS].tolist()) if subtle
                  else months[:BUNCHED_MONTHS])
        lifted = []
        for m in months:  # at most four
            lines = np.flatnonzero((seller == s) & (month == m) & ~returned & (units > 0))
            late = lines[last_days[lines]]
            if len(lines) == 0:
                continue
            j = int((late if len(late) else lines)[-1])
            u = 1.0 + (0.008 if subtle else 0.02) * rng.random() + 0.002
            per_unit = amount[j] / units[j]
            add = int(np.ceil((u * t_paise - value[s, m]) / per_unit))
            old = int(amount[j])
            units[j] += add
            amount[j] = (units[j] * price[j] * (10_000 - bp[j]) + 5_000) // 10_000
            value[s, m] += amount[j] - old
            lifted.append(j)
        out.append(Bunched(label=label, target=target, months=months,
                           lines=np.array(lifted, dtype=np.int64)))
    return out
