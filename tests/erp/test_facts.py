"""The warehouse facts of a GST note: purchases of the period by HSN, and the invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import ibis
import pyarrow as pa
from erp_support import recorded

from schemeops.erp.facts import purchases
from schemeops.erp.notes import Invoice

J = dt.date


def _con(lines):
    con = ibis.duckdb.connect()
    con.create_table("products", pa.table({
        "sku": ["B1", "B2", "S1", "X1"], "category": ["biscuits", "biscuits", "snacks", "toys"]}))
    con.create_table("primary_sales", pa.table({
        "invoice_id": [x[0] for x in lines], "invoice_date": [x[1] for x in lines],
        "distributor_id": [x[2] for x in lines], "sku": [x[3] for x in lines],
        "net_amount": pa.array([D(x[4]) for x in lines], pa.decimal128(18, 2))}))
    return con


def test_purchases_of_the_period_by_hsn(settings):
    """June: D001 bought B1 12,000 + B2 8,000 (biscuits, 1905) and S1 10,000 (snacks,
    2106) on two invoices; a May invoice and D002's are not its June purchases."""
    con = _con([("PI-1", J(2026, 6, 11), "D001", "B1", "12000.00"),
                ("PI-1", J(2026, 6, 11), "D001", "S1", "10000.00"),
                ("PI-2", J(2026, 6, 25), "D001", "B2", "8000.00"),
                ("PI-0", J(2026, 5, 31), "D001", "B1", "99999.00"),
                ("PI-9", J(2026, 6, 12), "D002", "B1", "5.00")])
    note = recorded("3333.33")
    facts, problems = purchases(con, [note], settings)
    assert problems == []
    f = facts[note.reference]
    assert f.by_hsn == {"1905": D("20000.00"), "2106": D("10000.00")}
    assert f.invoices == (Invoice("PI-1", J(2026, 6, 11)), Invoice("PI-2", J(2026, 6, 25)))


def test_unmapped_products_and_unusable_invoice_numbers_are_named(settings):
    con = _con([("0-BAD", J(2026, 6, 11), "D001", "X1", "100.00")])
    _, problems = purchases(con, [recorded("10.00")], settings)
    assert {p.code for p in problems} == {"hsn_missing", "invoice_number"}
    assert "toys" in next(p.hint for p in problems if p.code == "hsn_missing")
