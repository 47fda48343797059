"""GSTR-1 CDNR rows of the golden notes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

from erp_support import recorded

from schemeops.erp.gstr1 import cdnr_csv, cdnr_rows
from schemeops.erp.notes import Facts, Invoice, build_notes

JUNE = (Invoice("PI/2026/0611", dt.date(2026, 6, 11)),)


def test_one_row_per_note_and_rate(settings, recipients):
    """The IGST golden note (2,222.22 at 5% and 1,111.11 at 18%, value 3,644.44) gives two
    rows; the financial note of PRG-CASH none."""
    gst, cash = recorded("3333.33"), recorded("900.00", program="PRG-CASH", payout_id=43)
    notes, errs = build_notes([gst, cash], settings=settings, recipients=recipients,
                              facts={gst.reference: Facts({"1905": D(2), "2106": D(1)}, JUNE)})
    assert errs == []
    rows = cdnr_rows(notes)
    assert [(r["Rate"], r["Taxable Value"]) for r in rows] == [("5", "2222.22"),
                                                               ("18", "1111.11")]
    assert {(r["GSTIN/UIN of Recipient"], r["Note Number"], r["Note Date"], r["Note Type"],
             r["Place Of Supply"], r["Note Value"]) for r in rows} == {
        ("27AAACM5678K1Z2", "SCN/2627/42", "31-Jul-2026", "C", "27-Maharashtra", "3644.44")}


def test_cells_are_safe_from_formula_injection(settings, recipients):
    hostile = recipients["D001"].__class__(**{**recipients["D001"].__dict__,
                                              "legal_name": "=HYPERLINK(1)"})
    rec = recorded("10.00")
    notes, _ = build_notes([rec], settings=settings, recipients={"D001": hostile},
                           facts={rec.reference: Facts({"2106": D(1)}, JUNE)})
    [row] = csv.DictReader(io.StringIO(cdnr_csv(notes).decode()))
    assert row["Receiver Name"] == "'=HYPERLINK(1)"
