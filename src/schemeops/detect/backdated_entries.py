"""backdated_entries: a month's last-days invoices entered in the DMS in a later month, well
after their date (booked into a month that had closed, to count towards its slabs). Per
seller-month: the share of the last days' invoices entered late, with a floor on their
number (an ordinary late entry or two is background). Reads `sales.entered_on`; a warehouse
without it (or with it empty) has no finding."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from schemeops.detect.common import line_evidence, monthly_lines
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.engine.data import Data

KIND = "backdated_entries"


@dataclass(frozen=True)
class BackdatedThresholds:
    """Defaults documented in docs/detection.md."""

    #: The month's last days watched.
    tail_days: int = 3
    #: An invoice is late when entered after its month's end and more than this many days
    #: after its date.
    min_lag: int = 3
    #: Late invoices a seller-month needs ...
    min_invoices: int = 3
    #: ... and their share of the last days' invoices (score = share / this).
    min_share: float = 0.1


def backdated_entries(data: Data, months: ir.Table,
                      th: BackdatedThresholds = BackdatedThresholds()) -> Detection:
    """Seller-months whose last-days invoices were entered late in number and share."""
    lines = monthly_lines(data.sales, months)
    if "entered_on" not in lines.columns:
        empty = lines.limit(0)
        return Detection(KIND, empty.select(*FINDING_KEYS, score=ibis.literal(0.0)),
                         line_evidence(empty))
    tail = lines.filter(lines.period_end.delta(lines.invoice_date, unit="day") < th.tail_days)
    inv = tail.group_by([*FINDING_KEYS, "period_end", "invoice_id", "invoice_date"]).agg(
        entered=tail.entered_on.max())
    late = (inv.entered > inv.period_end) & (
        inv.entered.delta(inv.invoice_date, unit="day") > th.min_lag)
    inv = inv.mutate(late=late.fill_null(False))
    m = inv.group_by(FINDING_KEYS).agg(n=inv.count(), k=inv.late.sum())
    m = m.mutate(share=m.k / m.n)
    hits = m.filter((m.k >= th.min_invoices) & (m.share >= th.min_share))
    findings = hits.select(*FINDING_KEYS, score=hits.share / th.min_share)
    bad = inv.filter(inv.late).semi_join(findings, FINDING_KEYS).select(
        *FINDING_KEYS, "invoice_id")
    ev = tail.semi_join(bad, [*FINDING_KEYS, "invoice_id"])
    return Detection(KIND, findings, line_evidence(ev))
