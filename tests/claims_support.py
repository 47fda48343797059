"""Helpers of the claims tests: real invoices of the shared warehouse, picked by Ibis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import ibis

from schemeops.service.claim_rules import Invoice
from schemeops.service.claims import invoices_of


@dataclass(frozen=True)
class Picks:
    """D00001's October invoice lines (the program's period), one with a return, one of
    September, and another distributor's October invoice."""

    october: list[tuple[str, str, Decimal, Decimal]]
    returned: tuple[str, str, Decimal, Decimal] | None
    september: tuple[str, str]
    foreign: tuple[str, str]
    invoices: dict[str, Invoice]


def pick(warehouse: Path) -> Picks:
    """Real ids from the warehouse for the claims tests."""
    con = ibis.duckdb.connect(str(warehouse), read_only=True)
    try:
        t = con.table("sales")
        inv = t.filter(t.doc_type == "invoice")
        mine = inv.filter(inv.distributor_id == "D00001")
        octo = mine.filter(mine.invoice_date >= ibis.date(2026, 10, 1)).select(
            "invoice_id").distinct().order_by("invoice_id").limit(40).to_pyarrow().to_pylist()
        sept = mine.filter(mine.invoice_date < ibis.date(2026, 10, 1)).order_by(
            "invoice_id").limit(1).to_pyarrow().to_pylist()[0]
        other = inv.filter(inv.distributor_id == "D00002",
                           inv.invoice_date >= ibis.date(2026, 10, 1)).order_by(
            "invoice_id").limit(1).to_pyarrow().to_pylist()[0]
        rets = t.filter(t.doc_type == "return", t.distributor_id == "D00001").select(
            "ref_invoice_id").distinct().to_pyarrow().to_pylist()
    finally:
        con.disconnect()
    ids = [r["invoice_id"] for r in octo] + [r["ref_invoice_id"] for r in rets]
    invoices = invoices_of(warehouse, ids)
    october = [(i, sku, q, a) for i in sorted({r["invoice_id"] for r in octo})
               for sku, (q, a) in sorted(invoices[i].lines.items()) if a > 0]
    returned = next(((i.invoice_id, sku, q, a) for i in invoices.values()
                     if i.invoice_date.month == 10 and i.invoice_id in
                     {r["ref_invoice_id"] for r in rets}
                     for sku, (q, a) in i.lines.items() if a > 0), None)
    return Picks(october, returned, (sept["invoice_id"], sept["sku"]),
                 (other["invoice_id"], other["sku"]), invoices)
