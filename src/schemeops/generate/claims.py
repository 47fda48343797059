"""Distributors' claim lines (claims.csv): genuine lines sampled from their invoices, and the
planted duplicate claims (lines of an earlier claim claimed again in the next month's)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from schemeops.generate import columns as col
from schemeops.generate.anomalies import Plan
from schemeops.generate.calendar import Window
from schemeops.generate.network import Network

#: The claim-paid program the lines are claimed under, and the support claimed per line.
CLAIM_PROGRAM = "free_goods_claims"
CLAIM_PERCENT = 10
#: Share of a claimant's invoice lines it claims; every third distributor claims.
CLAIM_SHARE, CLAIMANT_EVERY = 0.02, 3
SCHEMA = pa.schema([("claim_id", pa.string()), ("line_no", pa.int64()),
                    ("participant_id", pa.string()), ("program_id", pa.string()),
                    ("invoice_id", pa.string()), ("sku", pa.string()),
                    ("quantity", col.QUANTITY), ("amount", col.MONEY),
                    ("submitted_on", pa.date32())])


@dataclass(frozen=True)
class ClaimLines:
    """Invoice lines a chunk's claimants claim: seller, month, invoice number, sku, units,
    line amount (paise)."""

    seller: np.ndarray
    month: np.ndarray
    invoice: np.ndarray
    sku: np.ndarray
    units: np.ndarray
    amount: np.ndarray


def claimants(network: Network, plan: Plan) -> np.ndarray:
    """Per seller: whether it submits claims (every third distributor, and every seller with
    a planted duplicate claim)."""
    out = (np.arange(network.sellers) % CLAIMANT_EVERY == 0) & (network.role == 0)
    out[plan.claim_seller] = True
    return out


def make_claims(lines: ClaimLines, plan: Plan, network: Network, window: Window,
                sku_ids, invoice_ids) -> tuple[pa.Table, dict[int, list[str]]]:
    """The claim lines of one chunk: one claim per (claimant, month), numbered seller-major so
    that ids do not depend on chunking, plus the planted duplicates; and, per label row, the
    invoice ids claimed twice."""
    m_count = window.months
    number = lines.seller * m_count + lines.month
    dup = np.zeros(len(number), dtype=bool)
    parts = [np.arange(len(number))]
    dup_parts = [dup]
    new_number = [number]
    labelled: dict[int, list[str]] = {}
    base = plan.label_base["duplicate_claims"]
    n_dup = (1, 3) if plan.mode.subtle else (2, 6)
    for i, (s, m) in enumerate(zip(plan.claim_seller.tolist(), plan.claim_month.tolist(),
                                   strict=True)):  # one iteration per planted case
        src = np.flatnonzero((lines.seller == s) & (lines.month == m))
        if len(src) == 0:
            continue
        take = src[: min(len(src), n_dup[0] + (s + m) % (n_dup[1] - n_dup[0]))]
        parts.append(take)
        dup_parts.append(np.ones(len(take), dtype=bool))
        new_number.append(np.full(len(take), s * m_count + m + 1))
        labelled[base + i] = invoice_ids(lines.invoice[take])
    rows = np.concatenate(parts)
    is_dup = np.concatenate(dup_parts)
    claim = np.concatenate(new_number)
    order = np.lexsort((lines.invoice[rows], is_dup, claim))
    rows, is_dup, claim = rows[order], is_dup[order], claim[order]
    first = np.flatnonzero(np.diff(claim, prepend=-1))
    line_no = np.arange(len(claim)) - np.repeat(first, np.diff(np.append(first, len(claim))))
    seller = claim // m_count
    month = claim % m_count
    amount = (lines.amount[rows] * CLAIM_PERCENT + 50) // 100
    table = pa.table({
        "claim_id": col.fixed_ids("CL", claim + 1, 8),
        "line_no": pa.array(line_no + 1, pa.int64()),
        "participant_id": col.take(network.ids, seller),
        "program_id": col.choose([CLAIM_PROGRAM], np.zeros(len(claim), np.int64)),
        "invoice_id": invoice_ids(lines.invoice[rows], arrow=True),
        "sku": sku_ids(lines.sku[rows]),
        "quantity": col.quantity(lines.units[rows]),
        "amount": col.money(amount),
        "submitted_on": col.dates(window.starts[month + 1] + 5 + seller % 10),
    }, schema=SCHEMA)
    return table, labelled
