"""What a detector finds: a typed Finding with its evidence rows and value at risk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import ibis.expr.types as ir

#: The kinds of anomaly, named as labels.csv names them (and findings.csv writes them).
KINDS = ("dummy_outlets", "month_end_stuffing", "sales_jump", "slab_bunching",
         "token_invoices", "circular_flows", "backdated_entries", "territory_violations",
         "duplicate_claims")
#: Columns of a detector's findings table: one row per participant and month flagged.
FINDING_KEYS = ("participant_id", "period_start")
#: Columns of a detector's evidence table (besides FINDING_KEYS): the rows that made it.
EVIDENCE_COLUMNS = ("table", "invoice_id", "line_no", "outlet_id", "claim_id")


@dataclass(frozen=True)
class EvidenceRow:
    """One row behind a finding: a sales line (invoice_id, line_no), an outlet, or a claim
    line (claim_id, line_no, with the invoice it claims)."""

    table: str
    invoice_id: str | None
    line_no: int | None
    outlet_id: str | None
    claim_id: str | None = None


@dataclass(frozen=True)
class Finding:
    """A suspected anomaly of one participant in one period, with what it puts at risk."""

    finding_id: str
    kind: str
    participant_id: str
    period_start: dt.date
    period_end: dt.date
    #: Higher is more suspicious; 1.0 is the detector's flagging threshold.
    score: float
    #: Payout difference when the programs are recalculated without the evidence rows.
    value_at_risk: Decimal
    evidence: tuple[EvidenceRow, ...]


@dataclass(frozen=True)
class Detection:
    """One detector's result as Ibis expressions (not yet executed).

    `findings`: participant_id, period_start (first day of the month), score (≥ 1 flags);
    `evidence`: participant_id, period_start, table, invoice_id, line_no, outlet_id,
    claim_id; `risk`: participant_id, period_start, value_at_risk, for a kind whose value
    at risk is a sum of its own (duplicate claims) rather than a payout difference.
    """

    kind: str
    findings: ir.Table
    evidence: ir.Table
    risk: ir.Table | None = None
