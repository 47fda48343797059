"""dummy_outlets: new outlets of one seller, created in one month, that look like one
business (identity links) and are billed once or barely, then never again. Each outlet gets
a suspicion from weak signals; a seller-month is flagged when at least two of its new
outlets are linked and their summed suspicion reaches the threshold."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from schemeops.detect.common import line_evidence, monthly_lines, outlet_evidence
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.detect.identity import identity_links
from schemeops.engine.data import Data

KIND = "dummy_outlets"


@dataclass(frozen=True)
class DummyThresholds:
    """Defaults documented in docs/detection.md."""

    #: Linked new outlets a seller-month needs.
    min_outlets: int = 2
    #: Summed outlet suspicion that flags (per linked outlet: 1 per phone, tax id or 30 m
    #: link to another new outlet of the seller-month, 0.5 for a shared name beside them,
    #: plus the activity signals below).
    flag: float = 6.0
    #: An outlet created in the month's last days adds `tail_weight`.
    tail_days: int = 3
    tail_weight: float = 0.5
    #: An outlet with at most this many invoices in its life adds `few_weight`.
    few_bills: int = 1
    few_weight: float = 1.0
    #: An outlet not billed after its first month (when later months exist) adds `gone_weight`.
    gone_weight: float = 1.0


def dummy_outlets(data: Data, months: ir.Table, th: DummyThresholds = DummyThresholds()
                  ) -> Detection:
    """Seller-months of new, linked, barely billed outlets (see the module docstring)."""
    o = data.outlets
    new = o.select("outlet_id", participant_id=o.distributor_id, created_on=o.created_on,
                   period_start=o.created_on.truncate("M").cast("date")).join(
        months, "period_start")
    links = identity_links(o, o.distributor_id.concat(
        "|", o.created_on.truncate("M").cast("date").cast("string")))
    lines = monthly_lines(data.sales, months)
    bills = lines.group_by("outlet_id").agg(
        bills=lines.invoice_id.nunique(), last_month=lines.period_start.max())
    last_data = months.period_start.max().as_scalar()
    n = new.join(links, "outlet_id").left_join(bills, "outlet_id")
    n = n.select(new, "links", "name", bills=n.bills.fill_null(0), last_month=n.last_month)
    # Names repeat a lot ('Sharma Stores'): a shared name alone links nothing, beside a
    # phone, tax id or location it adds half a signal.
    strong = n.links - n.name.cast("int64")
    n = n.filter(strong > 0)
    tail = n.period_end.delta(n.created_on, unit="day") < th.tail_days
    gone = (n.period_start < last_data) & (n.last_month.isnull() | (n.last_month <= n.period_start))
    ident = (n.links - n.name.cast("int64")).cast("float64") + ibis.ifelse(n.name, 0.5, 0.0)
    sus = (ident + ibis.ifelse(tail, th.tail_weight, 0.0)
           + ibis.ifelse(n.bills <= th.few_bills, th.few_weight, 0.0)
           + ibis.ifelse(gone, th.gone_weight, 0.0))
    n = n.mutate(sus=sus)
    m = n.group_by(FINDING_KEYS).agg(k=n.count(), total=n.sus.sum())
    hits = m.filter((m.k >= th.min_outlets) & (m.total >= th.flag))
    findings = hits.select(*FINDING_KEYS, score=hits.total / th.flag)
    flagged = n.semi_join(findings, FINDING_KEYS)
    ev_lines = lines.select("invoice_id", "line_no", "outlet_id").join(
        flagged.select(*FINDING_KEYS, "outlet_id"), "outlet_id")
    ev = ibis.union(outlet_evidence(flagged), line_evidence(ev_lines), distinct=False)
    return Detection(KIND, findings, ev)
