"""Pieces every detector shares: invoice lines by month, the evidence table's shape."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.detect.finding import EVIDENCE_COLUMNS, FINDING_KEYS


def monthly_lines(sales: ir.Table, months: ir.Table) -> ir.Table:
    """The invoice lines (not returns) of `sales` with participant_id (the seller) and the
    period_start and period_end of their month."""
    inv = sales.filter(sales.doc_type == "invoice")
    inv = inv.mutate(participant_id=inv.distributor_id,
                     period_start=inv.invoice_date.truncate("M").cast("date"))
    return inv.join(months, "period_start")


def line_evidence(lines: ir.Table) -> ir.Table:
    """Evidence rows for sales lines (columns participant_id, period_start, invoice_id,
    line_no, outlet_id of `lines`)."""
    return lines.select(*FINDING_KEYS, table=ibis.literal("sales"),
                        invoice_id=lines.invoice_id, line_no=lines.line_no.cast("int64"),
                        outlet_id=lines.outlet_id, claim_id=ibis.null("string"))


def outlet_evidence(outlets: ir.Table) -> ir.Table:
    """Evidence rows for outlets (columns participant_id, period_start, outlet_id)."""
    return outlets.select(*FINDING_KEYS, table=ibis.literal("outlets"),
                          invoice_id=ibis.null("string"), line_no=ibis.null("int64"),
                          outlet_id=outlets.outlet_id, claim_id=ibis.null("string"))


def evidence_schema() -> tuple[str, ...]:
    """The evidence table's columns, in order."""
    return (*FINDING_KEYS, *EVIDENCE_COLUMNS)
