"""token_invoices: many tiny bills to one outlet within a day or two (an invoice split, or
bills raised to count as activity). Per seller, outlet and month: the bills far below the
seller's median bill, and how tightly they bunch in days."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

from schemeops.detect.common import line_evidence, monthly_lines
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.detect.robust import with_median
from schemeops.engine.data import Data

KIND = "token_invoices"


@dataclass(frozen=True)
class TokenThresholds:
    """Defaults documented in docs/detection.md."""

    #: A bill is tiny below this share of the seller's median bill.
    tiny_share: float = 0.2
    #: Tiny bills to one outlet in one month that flag (scaled to score 1).
    min_bills: int = 4
    #: ... when they average at least this many per billing day.
    per_day: float = 2.0


def token_invoices(data: Data, months: ir.Table, th: TokenThresholds = TokenThresholds()
                   ) -> Detection:
    """Seller-months with an outlet of ≥ `min_bills` tiny bills, ≥ `per_day` per day."""
    lines = monthly_lines(data.sales, months)
    inv = lines.group_by([*FINDING_KEYS, "outlet_id", "invoice_id", "invoice_date"]).agg(
        value=lines.net_amount.sum().cast("float64"))
    inv = with_median(inv, "value", by="participant_id", name="usual")
    tiny = inv.filter(inv.value < th.tiny_share * inv.usual)
    o = tiny.group_by([*FINDING_KEYS, "outlet_id"]).agg(
        n=tiny.count(), days=tiny.invoice_date.nunique())
    o = o.filter((o.n >= th.min_bills) & (o.n >= th.per_day * o.days))
    m = o.group_by(FINDING_KEYS).agg(score=(o.n / th.min_bills).max())
    bad = tiny.semi_join(o, [*FINDING_KEYS, "outlet_id"]).select(*FINDING_KEYS, "invoice_id")
    ev = lines.semi_join(bad, [*FINDING_KEYS, "invoice_id"])
    return Detection(KIND, m, line_evidence(ev))
