"""duplicate_claims: the same invoice line (program, invoice, sku) claimed in more than one
claim. Reads the claim lines given to `detect` (`--claims claims.csv`); without them there
is no finding. The finding is the claimant's month of the invoice (an invoice not in
`sales` is the claims validator's to refuse, not placed here); its value at risk is the
amount claimed again: every line after the first claim of the same invoice line."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.engine.data import Data

KIND = "duplicate_claims"
#: Columns the claim lines need (claims.csv's, as the portal and the generator write it).
CLAIM_COLUMNS = ("claim_id", "line_no", "participant_id", "program_id", "invoice_id", "sku",
                 "amount", "submitted_on")


def duplicate_claims(data: Data, months: ir.Table, claims: ir.Table) -> Detection:
    """Claimant-months with an invoice line claimed twice; `risk` is the amount claimed
    again."""
    key = ["participant_id", "program_id", "invoice_id", "sku"]
    c = claims.select(*CLAIM_COLUMNS)
    c = c.mutate(amount=c.amount.cast("decimal(18, 2)"))
    first = c.group_by(key).agg(first_claim=c.claim_id.argmin(c.submitted_on),
                                claims=c.claim_id.nunique())
    again = c.join(first.filter(first.claims > 1), key)
    s = data.sales
    inv = s.group_by("invoice_id").agg(period_start=s.invoice_date.min().truncate("M").cast(
        "date")).join(months.select("period_start"), "period_start")
    again = again.join(inv, "invoice_id")
    extra = again.claim_id != again.first_claim
    m = again.group_by(FINDING_KEYS).agg(
        n=again.count(where=extra),
        value_at_risk=again.amount.sum(where=extra).fill_null(0))
    findings = m.select(*FINDING_KEYS, score=m.n.cast("float64"))
    ev = again.select(*FINDING_KEYS, table=ibis.literal("claims"), invoice_id=again.invoice_id,
                      line_no=again.line_no.cast("int64"), outlet_id=ibis.null("string"),
                      claim_id=again.claim_id)
    return Detection(KIND, findings, ev, risk=m.select(*FINDING_KEYS, "value_at_risk"))
