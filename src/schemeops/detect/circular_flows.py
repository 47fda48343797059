"""circular_flows: goods billed by distributor A to an outlet that is distributor B, and
billed back by B to an outlet that is A soon after (turnover made twice, paid twice). The
two outlets are tied by contact (a shared phone, a shared tax id) and by name (each named
after the other's distributor); the round trip is A's bill then B's within `max_days`. The
finding is A's, in the month of its bill; B and both outlets are in the evidence."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from schemeops.detect.common import line_evidence, monthly_lines, outlet_evidence
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.engine.data import Data

KIND = "circular_flows"


@dataclass(frozen=True)
class CircularThresholds:
    """Defaults documented in docs/detection.md."""

    #: B's bill back within this many days of A's bill.
    max_days: int = 30
    #: Identity of a pair: 1 per shared phone or tax id, 0.5 per outlet named after the
    #: other side's distributor; a pair needs a contact link and this total (score = total /
    #: this).
    flag: float = 1.5


def _norm(s: ir.StringValue) -> ir.StringValue:
    return s.lower().re_replace(r"[^a-z0-9]", "")


def _pairs(o: ir.Table, people: ir.Table) -> ir.Table:
    """Outlet pairs of two different sellers sharing a phone or tax id: outlet_id, seller,
    other_id, other_seller, ident (the identity score)."""
    a = o.select("outlet_id", seller=o.distributor_id, phone=o.phone.re_replace(r"\D", ""),
                 tax=o.tax_id.upper().strip(), nm=_norm(o.name))
    b = a.select(other_id=a.outlet_id, other_seller=a.seller, phone2=a.phone, tax2=a.tax,
                 nm2=a.nm)
    # Two equi-joins (phone, tax id), not one join on "phone or tax id": an OR condition
    # has no hash key, so the engine compares every outlet with every other (minutes at 10M
    # lines).
    ap, at = a.filter(a.phone != ""), a.filter(a.tax != "")
    by_phone = ap.join(b, (ap.phone == b.phone2) & (ap.seller != b.other_seller)).select(
        "outlet_id", "other_id")
    by_tax = at.join(b, (at.tax == b.tax2) & (at.seller != b.other_seller)).select(
        "outlet_id", "other_id")
    linked = ibis.union(by_phone, by_tax, distinct=True)
    j = linked.join(a, "outlet_id").join(b, "other_id")
    # Each outlet named after the other side's distributor (a trading name may add words).
    n1 = people.select(p1=people.participant_id, n1=_norm(people.name))
    n2 = n1.select(p2=n1.p1, n2=n1.n1)
    j = j.left_join(n1, j.other_seller == n1.p1)
    j = j.left_join(n2, j.seller == n2.p2)
    named = (((j.n1 != "") & j.nm.contains(j.n1)).fill_null(False).cast("float64")
             + ((j.n2 != "") & j.nm2.contains(j.n2)).fill_null(False).cast("float64"))
    ident = ((j.phone == j.phone2) & (j.phone != "")).fill_null(False).cast("float64") + (
        (j.tax == j.tax2) & (j.tax != "")).fill_null(False).cast("float64") + 0.5 * named
    return j.select("outlet_id", "seller", "other_id", "other_seller", ident=ident)


def circular_flows(data: Data, months: ir.Table,
                   th: CircularThresholds = CircularThresholds()) -> Detection:
    """A's seller-months billing a round trip through B (see the module docstring)."""
    pairs = _pairs(data.outlets, data.participants)
    pairs = pairs.filter(pairs.ident >= th.flag)
    lines = monthly_lines(data.sales, months)
    bills = lines.select("participant_id", "outlet_id", "invoice_id", "invoice_date").distinct()
    there = bills.join(pairs, (bills.participant_id == pairs.seller)
                       & (bills.outlet_id == pairs.outlet_id))
    back = bills.select(b_seller=bills.participant_id, b_outlet=bills.outlet_id,
                        b_invoice=bills.invoice_id, b_date=bills.invoice_date)
    gap = back.b_date.delta(there.invoice_date, unit="day")
    trip = there.join(back, (back.b_seller == there.other_seller)
                      & (back.b_outlet == there.other_id) & (gap >= 0) & (gap <= th.max_days))
    trip = trip.mutate(period_start=trip.invoice_date.truncate("M").cast("date"))
    findings = trip.group_by(FINDING_KEYS).agg(score=(trip.ident / th.flag).max())
    legs = ibis.union(trip.select(*FINDING_KEYS, "invoice_id"),
                      trip.select(*FINDING_KEYS, invoice_id=trip.b_invoice), distinct=True)
    ev_lines = data.sales.join(legs, "invoice_id")
    outs = ibis.union(trip.select(*FINDING_KEYS, "outlet_id"),
                      trip.select(*FINDING_KEYS, outlet_id=trip.b_outlet), distinct=True)
    ev = ibis.union(outlet_evidence(outs), line_evidence(ev_lines), distinct=False)
    return Detection(KIND, findings, ev)
