"""sales_jump: a month whose billed value is far above the seller's own usual months, after
taking out what every seller did that month (a festival month lifts everyone)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis.expr.types as ir

from schemeops.detect.common import line_evidence, monthly_lines
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.detect.robust import modified_z, with_median
from schemeops.engine.data import Data

KIND = "sales_jump"


@dataclass(frozen=True)
class JumpThresholds:
    """Defaults documented in docs/detection.md."""

    #: Modified z of ln(month value), peer-adjusted, that flags.
    z: float = 3.5
    #: Floor of the MAD of ln(value): steady sellers still need a ≥ ~40% move at z 3.5.
    mad_floor: float = 0.08
    #: Months of the seller's sales needed before any month of it is judged.
    min_months: int = 4
    #: A flagged month must also be at least this multiple of the seller's median month.
    min_ratio: float = 1.5
    #: The last days of the month left out of the value compared.
    tail_days: int = 3


def sales_jump(data: Data, months: ir.Table, th: JumpThresholds = JumpThresholds()
               ) -> Detection:
    """Seller-months whose ln(billed value), less the seller's median and less the peers'
    median deviation that month, has a modified z above `th.z`."""
    lines = monthly_lines(data.sales, months)
    # The month before its last days: a month-end push or stuffing is another kind's signal.
    body = lines.filter(lines.period_end.delta(lines.invoice_date, unit="day") >= th.tail_days)
    m = body.group_by(FINDING_KEYS).agg(value=body.net_amount.sum().cast("float64"))
    m = m.filter(m.value > 0)
    m = m.mutate(lv=m.value.ln())
    m = with_median(m, "lv", by="participant_id", name="own")
    m = m.mutate(dev=m.lv - m.own)
    m = with_median(m, "dev", by="period_start", name="peer")
    m = m.mutate(adj=m.dev - m.peer)
    m = modified_z(m, "adj", by="participant_id", floor=th.mad_floor, name="z")
    n = m.group_by("participant_id").agg(n=m.count())
    m = m.join(n, "participant_id")
    hits = m.filter((m.z >= th.z) & (m.n >= th.min_months) & (m.dev >= math.log(th.min_ratio)))
    findings = hits.select(*FINDING_KEYS, score=hits.z / th.z)
    ev = lines.semi_join(findings, FINDING_KEYS)
    return Detection(KIND, findings, line_evidence(ev))
