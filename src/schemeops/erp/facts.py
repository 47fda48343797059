"""What the warehouse says about each GST note: the recipient's primary purchases of the
note's period, by HSN code (the weights of the split), and the invoices the note refers to.
One grouped query on an injected connection; HSN codes come from the settings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import ibis
from ibis.backends import BaseBackend

from schemeops.erp.notes import Facts, Invoice, Recorded
from schemeops.erp.settings import TaxSettings
from schemeops.errors import Diagnostic, SourceSpan

#: A preceding invoice number as the e-invoice schema takes it (PrecDocDtls.InvNo).
_INVOICE_NO = re.compile(r"[1-9a-zA-Z][0-9a-zA-Z/-]{1,15}")


def purchases(con: BaseBackend, notes: Sequence[Recorded],
              settings: TaxSettings) -> tuple[dict[str, Facts], list[Diagnostic]]:
    """Facts for each note's reference; a product without an HSN code or an invoice number
    the schema refuses is a problem."""
    if not notes:
        return {}, []
    keys = ibis.memtable({"reference": [n.reference for n in notes],
                          "participant_id": [n.participant_id for n in notes],
                          "p_start": [n.period_start for n in notes],
                          "p_end": [n.period_end for n in notes]})
    sales, products = con.table("primary_sales"), con.table("products")
    bought = keys.join(sales, [keys.participant_id == sales.distributor_id,
                               sales.invoice_date >= keys.p_start,
                               sales.invoice_date <= keys.p_end]).select(
        keys.reference, sales.invoice_id, sales.invoice_date, sales.sku, sales.net_amount)
    by_sku = (bought.join(products.select("sku", "category"), "sku")
              .group_by(["reference", "sku", "category"])
              .aggregate(value=lambda t: t.net_amount.sum()).order_by(["reference", "sku"])
              .to_pyarrow().to_pylist())
    invoices = (bought.group_by(["reference", "invoice_id"])
                .aggregate(invoice_date=bought.invoice_date.min())
                .order_by(["reference", "invoice_date", "invoice_id"]).to_pyarrow().to_pylist())
    weights: dict[str, dict[str, Decimal]] = {}
    problems: list[Diagnostic] = []
    unmapped: set[tuple[str, str]] = set()
    for row in by_sku:
        hsn = settings.hsn_of(row["sku"], row["category"])
        if hsn is None:
            unmapped.add((row["sku"], row["category"]))
            continue
        per = weights.setdefault(row["reference"], {})
        per[hsn] = per.get(hsn, Decimal(0)) + Decimal(row["value"])
    problems += [Diagnostic(SourceSpan("products", 1, 1), "hsn_missing",
                            f"product {sku!r} (category {cat!r}) has no HSN code",
                            f'add [hsn.by_category] "{cat}" = "<HSN>" (or [hsn.by_sku]) '
                            "to the settings") for sku, cat in sorted(unmapped)]
    refs: dict[str, list[Invoice]] = {}
    for row in invoices:
        if not _INVOICE_NO.fullmatch(row["invoice_id"]):
            problems.append(Diagnostic(
                SourceSpan("primary_sales", 1, 1), "invoice_number",
                f"invoice {row['invoice_id'][:40]!r} cannot be an e-invoice reference",
                "1 to 16 characters of A-Z a-z 0-9 / -, not starting with 0"))
            continue
        refs.setdefault(row["reference"], []).append(Invoice(row["invoice_id"],
                                                             row["invoice_date"]))
    facts = {ref: Facts(w, tuple(refs.get(ref, ()))) for ref, w in weights.items()}
    return facts, problems
