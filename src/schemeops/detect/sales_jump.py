"""sales_jump: a month whose billed value is far above the seller's own usual months because
its bills are inflated: the value per invoice line is far above the seller's own months,
after taking out what every seller did that month (a festival month lifts everyone). The
month's total is a weak signal on its own (a small seller's months vary by 2× through the
number of bills alone; a new distributor grows by opening outlets); the value per line
averages over every bill of the month and moves little unless the quantities billed do."""

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

    #: Modified z of ln(value per invoice line), peer-adjusted, that flags.
    z: float = 3.5
    #: Floor of the MAD of ln(value per line): a very steady seller still needs a ≥ ~30%
    #: move at z 3.5.
    mad_floor: float = 0.05
    #: Months of the seller's sales needed before any month of it is judged.
    min_months: int = 4
    #: A flagged month's value per line must also be at least this multiple of the seller's
    #: median month's ...
    min_ratio: float = 1.5
    #: ... and its total value at least this multiple of the seller's median month.
    min_total: float = 1.2
    #: The last days of the month left out of the value compared.
    tail_days: int = 3


def sales_jump(data: Data, months: ir.Table, th: JumpThresholds = JumpThresholds()
               ) -> Detection:
    """Seller-months whose value per invoice line is at least `th.min_ratio` × (and total
    value `th.min_total` ×) the seller's median month's and whose ln(value per invoice
    line), less the seller's median and the peers' median deviation that month, has a
    modified z of at least `th.z` against the seller's own months."""
    lines = monthly_lines(data.sales, months)
    # The month before its last days: a month-end push or stuffing is another kind's signal.
    body = lines.filter(lines.period_end.delta(lines.invoice_date, unit="day") >= th.tail_days)
    m = body.group_by(FINDING_KEYS).agg(value=body.net_amount.sum().cast("float64"),
                                        n=body.count())
    m = m.filter(m.value > 0)
    m = m.mutate(lv=m.value.ln(), ll=(m.value / m.n).ln())
    m = with_median(m, "lv", by="participant_id", name="own")
    m = with_median(m, "ll", by="participant_id", name="own_line")
    m = m.mutate(dev=m.lv - m.own, dev_line=m.ll - m.own_line)
    m = with_median(m, "dev_line", by="period_start", name="peer")
    m = m.mutate(adj=m.dev_line - m.peer)
    m = modified_z(m, "adj", by="participant_id", floor=th.mad_floor, name="z")
    k = m.group_by("participant_id").agg(k=m.count())
    m = m.join(k, "participant_id")
    hits = m.filter((m.z >= th.z) & (m.k >= th.min_months)
                    & (m.dev_line >= math.log(th.min_ratio)) & (m.dev >= math.log(th.min_total)))
    findings = hits.select(*FINDING_KEYS, score=hits.z / th.z)
    ev = lines.semi_join(findings, FINDING_KEYS)
    return Detection(KIND, findings, line_evidence(ev))
