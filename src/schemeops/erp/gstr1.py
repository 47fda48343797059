"""GSTR-1 rows for credit and debit notes to registered recipients (table 9B, CDNR), one per
note and rate, in the columns of the GST offline tool's `cdnr` sheet."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from schemeops.erp.csvfile import to_csv
from schemeops.erp.notes import ZERO, TaxNote
from schemeops.erp.states import place_of_supply

COLUMNS = ("GSTIN/UIN of Recipient", "Receiver Name", "Note Number", "Note Date",
           "Note Type", "Place Of Supply", "Reverse Charge", "Note Supply Type", "Note Value",
           "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount")


def cdnr_rows(notes: Iterable[TaxNote]) -> list[dict[str, str]]:
    """One row per GST note and rate (financial notes are not in GSTR-1)."""
    rows = []
    for note in notes:
        if not note.gst or note.recipient is None:
            continue
        by_rate: dict[Decimal, Decimal] = {}
        for line in note.lines:
            by_rate[line.rate] = by_rate.get(line.rate, ZERO) + line.taxable
        for rate, taxable in sorted(by_rate.items()):
            rows.append({
                "GSTIN/UIN of Recipient": note.recipient.gstin,
                "Receiver Name": note.recipient.legal_name,
                "Note Number": note.number,
                "Note Date": note.note.date.strftime("%d-%b-%Y"),
                "Note Type": "C" if note.kind == "CRN" else "D",
                "Place Of Supply": place_of_supply(note.recipient.state_code),
                "Reverse Charge": "N", "Note Supply Type": "Regular B2B",
                "Note Value": f"{note.total:.2f}", "Applicable % of Tax Rate": "",
                "Rate": f"{rate.normalize():f}", "Taxable Value": f"{taxable:.2f}",
                "Cess Amount": "0.00"})
    return rows


def cdnr_csv(notes: Iterable[TaxNote]) -> bytes:
    """The rows as CSV (UTF-8), every cell safe from formula injection."""
    return to_csv(cdnr_rows(notes), COLUMNS)
