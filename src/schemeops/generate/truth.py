"""The planted programs as runnable `programs/*.yaml` and their truth as `effects.csv`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from schemeops.generate import columns as col
from schemeops.generate.calendar import Window, to_date
from schemeops.generate.catalogue import CATEGORIES, SEGMENTS
from schemeops.generate.effects import Effects
from schemeops.generate.network import Network

EFFECT_COLUMNS = ("program_id", "period_start", "participant_id", "true_net_lift_pct",
                  "true_incremental_value")


def program_ids(effects: Effects) -> list[str]:
    """`planted_<n>_<category>` for each program."""
    return [f"planted_{p + 1}_{CATEGORIES[c]}" for p, c in enumerate(effects.category.tolist())]


def program_yaml(effects: Effects, window: Window, p: int) -> str:
    """Program p as YAML: a growth bonus on its SKUs over the month before, holdout included."""
    cat, sib = CATEGORIES[effects.category[p]], SEGMENTS[effects.sibling[p]]
    m, h = int(effects.month[p]), effects.holdouts[p]
    start, end = to_date(window.starts[m]), to_date(window.starts[m + 1] - 1)
    return (f"id: {program_ids(effects)[p]}\n"
            f"name: Planted effect {p + 1} ({cat.replace('_', ' ')} but {sib})\n"
            f"goal: Grow {cat.replace('_', ' ')} (but {sib}) in {start:%B %Y}; the effect "
            "the generator planted is in effects.csv.\n"
            f"participants: {{roles: [distributor], joined_before: {to_date(window.first_day)}}}\n"
            f"holdout: {{share: {h.share}, seed: {h.seed}}}\n"
            f"period: {{start: {start}, end: {end}}}\n"
            "kpis:\n"
            "  - id: sales\n"
            "    kind: volume\n"
            f"    products: \"category = '{cat}' and segment <> '{sib}'\"\n"
            "targets:\n"
            "  sales: {history: {basis: previous_period}}\n"
            "components:\n"
            "  - id: growth_bonus\n"
            "    kpi: sales\n"
            "    slabs:\n"
            "      - {from: 1.0, rate: 0.02}\n"
            "      - {from: 1.1, rate: 0.04}\n")


def effects_table(effects: Effects, window: Window, network: Network, incr: np.ndarray,
                  base: np.ndarray) -> pa.Table:
    """One row per program (participant_id empty) then one per enrolled participant, with
    the net lift as a percentage of the baseline (4 places; empty when the baseline is 0)
    and the incremental net value."""
    k = effects.count
    s, p = np.nonzero(effects.enrolled)
    order = np.lexsort((s, p))
    s, p = s[order], p[order]
    prog = np.concatenate([np.arange(k), p])
    value = np.concatenate([incr.sum(axis=0), incr[s, p]])
    baseline = np.concatenate([(base * effects.enrolled).sum(axis=0), base[s, p]])
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(baseline > 0, np.round(value * 100 / baseline, 4), np.nan)
    row = np.argsort(prog, kind="stable")  # each program's own row first, then its people
    ids = pa.concat_arrays([pa.nulls(k, pa.string()), col.take(network.ids, s)])
    return pa.table({
        "program_id": col.choose(program_ids(effects), prog[row]),
        "period_start": col.dates(window.starts[effects.month[prog[row]]]),
        "participant_id": ids.take(pa.array(row)),
        "true_net_lift_pct": pa.array(pct[row], pa.float64(), from_pandas=True).cast(
            pa.decimal128(12, 4), safe=False),
        "true_incremental_value": col.money(value[row]),
    })


def write_truth(out: Path, effects: Effects, window: Window, network: Network,
                incr: np.ndarray, base: np.ndarray) -> int:
    """Write programs/<id>.yaml and effects.csv; return effects.csv's row count."""
    folder = out / "programs"
    folder.mkdir(exist_ok=True)
    for p, name in enumerate(program_ids(effects)):  # one file per program
        (folder / f"{name}.yaml").write_text(program_yaml(effects, window, p), encoding="utf-8")
    table = effects_table(effects, window, network, incr, base)
    pacsv.write_csv(table, out / "effects.csv")
    return table.num_rows
