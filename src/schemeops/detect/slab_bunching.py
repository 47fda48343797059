"""slab_bunching: a participant landing just above a slab threshold period after period.

The thresholds are the programs' (`detect --programs`): every slab `from`/`above` of a
component with a KPI, on the attainment (actual ÷ target) or on the actual, as the component
reads it; without programs there are no thresholds and no finding. Per participant and
component threshold: the periods landing within `band` above it, against those landing
within `band` below it. A natural spread lands about as often just below as just above; bunching
lands above and rarely below, and gets there by a top-up: the largest bill of the last days
of the periods landing above is well above the participant's usual largest month-end bill.
Each period landing above is a finding; its evidence is that largest invoice of the period's
last days (the bill most likely lifted)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from schemeops.detect.common import line_evidence, monthly_lines
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.engine.calc import calculate
from schemeops.engine.data import Data
from schemeops.program.model import Program

KIND = "slab_bunching"


@dataclass(frozen=True)
class BunchingThresholds:
    """Defaults documented in docs/detection.md."""

    #: Relative distance from a threshold that counts as landing just above (or below) it.
    band: float = 0.03
    #: Periods just above a threshold a participant needs ...
    min_periods: int = 3
    #: ... and how many more than just below one (score = the excess / this).
    min_excess: int = 3
    #: Last days of a period in which the lifted bill is looked for.
    tail_days: int = 5
    #: The periods landing just above must be topped up: the median, over them, of the
    #: largest bill of the period's last days over the participant's usual such bill (the
    #: median over its periods landing above no threshold) must reach this. A natural
    #: spread lands above with ordinary month ends: 0.7–1.9 on the accuracy networks, where
    #: the planted bunchers gave 1.7–29 (docs/detection.md).
    lift: float = 1.6


def slab_thresholds(program: Program) -> list[tuple[str, str, float]]:
    """(component id, wide-table column, threshold) of every positive slab threshold of a
    component on a KPI, higher-is-better."""
    out = []
    for c in program.components:
        if c.kpi is None or not c.slabs or c.per is not None:
            continue
        target = program.targets.get(c.kpi)
        if c.on == "attainment" and (target is None or target.lower_is_better):
            continue
        column = f"{'att' if c.on == 'attainment' else 'a'}__{c.kpi}"
        out.extend((c.id, column, float(s.from_ if s.from_ is not None else s.above))
                   for s in c.slabs if (s.from_ if s.from_ is not None else s.above) > 0)
    return out


def _landings(programs: Sequence[Program], data: Data, band: float) -> ir.Table | None:
    """participant_id, component (program/component), thr, period_start, period_end, above,
    below: whether the period lands within `band` above / below the threshold."""
    results, _ = calculate(list(programs), data, as_of=None, keep=lambda t: t)
    parts = []
    for r in results:
        by_column: dict[str, list[tuple[str, float]]] = {}
        for comp, column, thr in slab_thresholds(r.program):
            by_column.setdefault(column, []).append((f"{r.program.id}/{comp}", thr))
        for column, rows in by_column.items():
            thr = ibis.memtable(pa.table({"component": [c for c, _ in rows],
                                          "thr": pa.array([t for _, t in rows], pa.float64())}))
            w = r.wide.select("participant_id", "period_start", "period_end",
                              x=r.wide[column].cast("float64"))
            j = w.cross_join(thr)
            above = (j.x >= j.thr) & (j.x < j.thr * (1 + band))
            below = (j.x < j.thr) & (j.x >= j.thr * (1 - band))
            parts.append(j.select("participant_id", "component", "thr", "period_start",
                                  "period_end", above=above.fill_null(False),
                                  below=below.fill_null(False)))
    return ibis.union(*parts, distinct=False) if parts else None


def slab_bunching(data: Data, months: ir.Table, programs: Sequence[Program] = (),
                  th: BunchingThresholds = BunchingThresholds()) -> Detection:
    """Periods of participants bunched just above a slab threshold (module docstring)."""
    lines = monthly_lines(data.sales, months)
    t = _landings(programs, data, th.band)
    if t is None:
        empty = lines.limit(0)
        return Detection(KIND, empty.select(*FINDING_KEYS, score=ibis.literal(0.0)),
                         line_evidence(empty))
    key = ["participant_id", "component", "thr"]
    # The largest bill of each period's last days, and the participant's usual one (the
    # median over its periods that land above no threshold; none: the gate is open).
    inv = lines.group_by(["participant_id", "invoice_id", "invoice_date"]).agg(
        value=lines.net_amount.sum().cast("float64"))
    per = t.group_by(["participant_id", "period_start", "period_end"]).agg(
        any_above=t.above.any())
    p = per.rename(pid="participant_id")
    late = inv.join(p, (inv.participant_id == p.pid) & (inv.invoice_date <= p.period_end)
                    & (p.period_end.delta(inv.invoice_date, unit="day") < th.tail_days))
    rank = ibis.row_number().over(group_by=[late.participant_id, late.period_start],
                                  order_by=[late.value.desc(), late.invoice_id])
    late = late.mutate(rank=rank).filter(lambda x: x.rank == 0)
    tops = late.select("participant_id", "period_start", "invoice_id", "any_above",
                       top=late.value)
    usual = tops.filter(~tops.any_above).group_by("participant_id").agg(
        usual=tops.top.median())
    n = t.group_by(key).agg(up=t.above.sum(), down=t.below.sum())
    n = n.filter((n.up >= th.min_periods) & (n.up - n.down >= th.min_excess))
    hit = t.filter(t.above).join(n, key)
    hit = hit.left_join(tops.select("participant_id", "period_start", "top"),
                        ["participant_id", "period_start"])
    hit = hit.select(*t.columns, "up", "down", top=hit.top.fill_null(0.0))
    hit = hit.left_join(usual, "participant_id")
    hit = hit.select(*t.columns, "up", "down", "top", usual=hit.usual)
    lifted = hit.group_by(key).agg(ratio=(hit.top / hit.usual.nullif(0)).median(),
                                   known=hit.usual.notnull().any())
    lifted = lifted.filter(~lifted.known | (lifted.ratio >= th.lift))
    hit = hit.semi_join(lifted, key)
    hit = hit.mutate(score=(hit.up - hit.down) / th.min_excess)
    # A period is found once, at its first month, whatever its programs and components.
    findings = hit.group_by(FINDING_KEYS).agg(score=hit.score.max(),
                                              period_end=hit.period_end.max())
    top = tops.semi_join(findings, ["participant_id", "period_start"]).select(
        "participant_id", "period_start", "invoice_id")
    ev = data.sales.join(top, "invoice_id")
    return Detection(KIND, findings.select(*FINDING_KEYS, "score"), line_evidence(ev))
