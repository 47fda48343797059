"""Tally vouchers as import-ready XML (ENVELOPE/HEADER/BODY/IMPORTDATA/REQUESTDATA/
TALLYMESSAGE/VOUCHER), one per note, each voucher number once: a note already sent is never
written again."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from schemeops.erp.ledgers import GlMapping
from schemeops.erp.notes import TaxNote
from schemeops.erp.postings import narration, postings, text, voucher_type


def vouchers_xml(notes: Iterable[TaxNote], gl: GlMapping,
                 sent: frozenset[str] = frozenset()) -> tuple[bytes, list[str]]:
    """The XML of every note whose number is not in `sent` (nor earlier in `notes`), and
    the numbers written."""
    envelope = ET.Element("ENVELOPE")
    ET.SubElement(ET.SubElement(envelope, "HEADER"), "TALLYREQUEST").text = "Import Data"
    data = ET.SubElement(ET.SubElement(envelope, "BODY"), "IMPORTDATA")
    desc = ET.SubElement(data, "REQUESTDESC")
    ET.SubElement(desc, "REPORTNAME").text = "Vouchers"
    if gl.company:
        statics = ET.SubElement(desc, "STATICVARIABLES")
        ET.SubElement(statics, "SVCURRENTCOMPANY").text = text(gl.company, 200)
    request = ET.SubElement(data, "REQUESTDATA")
    written: list[str] = []
    for note in notes:
        if note.number in sent or note.number in written:
            continue
        written.append(note.number)
        _voucher(ET.SubElement(request, "TALLYMESSAGE"), note, gl)
    body = ET.tostring(envelope, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), written


def _voucher(message: ET.Element, note: TaxNote, gl: GlMapping) -> None:
    kind = voucher_type(note)
    # REMOTEID: Tally alters, rather than duplicates, a voucher imported again with it
    v = ET.SubElement(message, "VOUCHER", VCHTYPE=kind, ACTION="Create",
                      REMOTEID=note.note.reference)
    fields = [("DATE", note.note.date.strftime("%Y%m%d")), ("VOUCHERTYPENAME", kind),
              ("VOUCHERNUMBER", note.number), ("REFERENCE", note.note.reference),
              ("PARTYLEDGERNAME", postings(note, gl)[-1 if note.kind == "CRN" else 0]
               .ledger.name), ("NARRATION", narration(note))]
    for tag, value in fields:
        ET.SubElement(v, tag).text = value
    for p in postings(note, gl):
        entry = ET.SubElement(v, "ALLLEDGERENTRIES.LIST")
        ET.SubElement(entry, "LEDGERNAME").text = p.ledger.name
        # Tally's sign: a debit is "deemed positive" and written negative, a credit positive
        ET.SubElement(entry, "ISDEEMEDPOSITIVE").text = "Yes" if p.debit else "No"
        ET.SubElement(entry, "AMOUNT").text = f"{-p.debit:.2f}" if p.debit else f"{p.credit:.2f}"
