"""month_end_stuffing: unusually large bills in a month's last days that come back as
returns soon after. Three weak signals, each scaled so 1 is its own threshold, summed:
the last days' share of the month against the seller's own months and its peers'; the
share of those last-days invoices returned within the window (against the share of the
rest of the month's); and how much larger the last days' invoices are than the
same month's other invoices."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from schemeops.detect.common import line_evidence, monthly_lines
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.detect.robust import modified_z, with_median
from schemeops.engine.data import Data

KIND = "month_end_stuffing"


@dataclass(frozen=True)
class StuffingThresholds:
    """Defaults documented in docs/detection.md."""

    #: The month's last days watched (wider than the usual 3-day month-end push).
    tail_days: int = 5
    #: Returns dated up to this many days after the month's end count.
    return_days: int = 30
    #: Modified z of the last days' share (peer-adjusted) scaled to 1.
    z: float = 3.5
    #: MAD floor of the last days' share.
    mad_floor: float = 0.03
    #: Excess returned share of last-days invoices scaled to 1.
    returned: float = 0.15
    #: Median last-days invoice over the month's other invoices' median scaled to 1 (ln ratio).
    size_ratio: float = 3.0
    #: Sum of the scaled signals (z part capped at 2, returns at 3, size at 1) that flags.
    flag: float = 2.0
    #: The scaled returns signal a flagged month needs at least (a month-end push whose
    #: goods stay sold is not stuffing).
    min_returned: float = 0.5
    #: The value returned against the last days' invoices a flagged month needs, in the
    #: month's usual invoices: stuffed goods come back by several bills' worth, an ordinary
    #: return is part of one bill (yet a large share of a small seller's few last-days bills).
    min_back_usual: float = 5.0


def _invoices(lines: ir.Table, tail_days: int) -> ir.Table:
    """One row per invoice: seller, month, value, and whether it is dated in the last days."""
    inv = lines.group_by([*FINDING_KEYS, "period_end", "invoice_id", "invoice_date"]).agg(
        value=lines.net_amount.sum().cast("float64"))
    return inv.mutate(tail=inv.period_end.delta(inv.invoice_date, unit="day") < tail_days)


def _returned(sales: ir.Table, inv: ir.Table, return_days: int) -> ir.Table:
    """Per invoice of `inv`: the value returned against it within `return_days` after its
    month's end (0 when none)."""
    r = sales.filter(sales.doc_type == "return")
    r = r.group_by(invoice_id=r.ref_invoice_id, rdate=r.invoice_date).agg(
        back=-r.net_amount.sum().cast("float64"))
    j = inv.select("invoice_id", "period_end").join(r, "invoice_id")
    j = j.filter(j.rdate.delta(j.period_end, unit="day") <= return_days)
    back = j.group_by("invoice_id").agg(back=j.back.sum())
    out = inv.left_join(back, "invoice_id")
    return out.select(inv, back=out.back.fill_null(0.0))


def month_end_stuffing(data: Data, months: ir.Table,
                       th: StuffingThresholds = StuffingThresholds()) -> Detection:
    """Seller-months whose summed stuffing signals reach `th.flag`."""
    lines = monthly_lines(data.sales, months)
    inv = _returned(data.sales, _invoices(lines, th.tail_days), th.return_days)
    # The usual invoice is the same month's before its last days: a jump month's invoices are
    # all large, a stuffed month's only at its end.
    usual = inv.group_by(FINDING_KEYS).agg(usual=inv.value.median(where=~inv.tail))
    inv = inv.join(usual, FINDING_KEYS)
    tail = inv.tail
    m = inv.group_by(FINDING_KEYS).agg(
        value=inv.value.sum(),
        tail_value=inv.value.sum(where=tail),
        tail_back=inv.back.sum(where=tail),
        body_back=inv.back.sum(where=~tail),
        tail_size=inv.value.median(where=tail),
        usual=inv.usual.max())
    m = m.filter(m.value > 0)
    tv = m.tail_value.fill_null(0.0)
    m = m.mutate(share=tv / m.value,
                 excess=ibis.ifelse(tv > 0, m.tail_back.fill_null(0.0) / tv, 0.0)
                 - m.body_back.fill_null(0.0) / (m.value - tv).nullif(0).fill_null(1.0),
                 size=(m.tail_size.fill_null(0.0) / m.usual).clip(lower=1e-9).ln())
    m = with_median(m, "share", by="period_start", name="peer_share")
    m = m.mutate(adj=m.share - m.peer_share)
    m = modified_z(m, "adj", by="participant_id", floor=th.mad_floor, name="z")
    # Each signal capped, so no single one (a small seller's few large bills, say) flags
    # alone: the returns need one of the others beside them.
    back = (m.excess / th.returned).clip(0, 3)
    score = ((m.z.clip(lower=0) / th.z).clip(upper=2) + back
             + (m.size / ibis.literal(th.size_ratio).ln()).clip(0, 1))
    m = m.mutate(score=score / th.flag, back=back)
    hits = m.filter((m.score >= 1) & (m.back >= th.min_returned)
                    & (m.tail_back.fill_null(0.0) >= th.min_back_usual * m.usual))
    findings = hits.select(*FINDING_KEYS, "score")
    # Evidence: the last days' invoices of a flagged month that came back or are large,
    # with the returns against them.
    sus = inv.filter(inv.tail & ((inv.back > 0) | (inv.value >= th.size_ratio * inv.usual)))
    sus = sus.semi_join(findings, FINDING_KEYS).select(*FINDING_KEYS, "invoice_id")
    ev_lines = lines.select(*FINDING_KEYS, "invoice_id", "line_no", "outlet_id").semi_join(
        sus, [*FINDING_KEYS, "invoice_id"])
    s = data.sales
    rets = s.filter(s.doc_type == "return").join(sus, s.ref_invoice_id == sus.invoice_id)
    rets = rets.select(*FINDING_KEYS, invoice_id=rets.invoice_id, line_no=rets.line_no,
                       outlet_id=rets.outlet_id)
    ev = ibis.union(line_evidence(ev_lines), line_evidence(rets), distinct=False)
    return Detection(KIND, findings, ev)
