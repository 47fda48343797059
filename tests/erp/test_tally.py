"""Tally vouchers parsed back field by field; the journal; hostile names; no voucher twice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from pathlib import Path

import pytest
from erp_support import recorded
from openpyxl import load_workbook

from schemeops.erp.journal import journal_csv, journal_rows, journal_xlsx
from schemeops.erp.ledgers import load_gl
from schemeops.erp.notes import Facts, Invoice, build_notes
from schemeops.erp.recipients import Recipient
from schemeops.erp.tally import vouchers_xml

JUNE = (Invoice("PI/2026/0611", dt.date(2026, 6, 11)),)


@pytest.fixture
def gl(tmp_path: Path):
    path = tmp_path / "gl.toml"
    path.write_text('company = "Sunrise & Sons <HQ>"\n[programs."PRG-CASH"]\n'
                    'name = "Cash Incentive"\naccount = "410200"\n[parties]\nD002 = "BLR Dist"\n')
    return load_gl(path)


def _notes(settings, recipients):
    """The IGST golden note (D001: 3,333.33 + IGST 311.11 = 3,644.44), an intra-state debit
    note (D002: 500.00 + CGST 45.00 + SGST 45.00 = 590.00) and a financial note (D001,
    PRG-CASH, 900.00, no GST)."""
    gst = recorded("3333.33")
    debit = recorded("-500.00", participant="D002", payout_id=43)
    cash = recorded("900.00", program="PRG-CASH", payout_id=44)
    notes, errs = build_notes([gst, debit, cash], settings=settings, recipients=recipients,
                              facts={gst.reference: Facts({"1905": D(2), "2106": D(1)}, JUNE),
                                     debit.reference: Facts({"2106": D(1)}, JUNE)})
    assert errs == []
    return notes


def _entries(voucher: ET.Element) -> list[tuple[str, str, str]]:
    return [(e.findtext("LEDGERNAME"), e.findtext("ISDEEMEDPOSITIVE"), e.findtext("AMOUNT"))
            for e in voucher.findall("ALLLEDGERENTRIES.LIST")]


def test_vouchers_parse_back_field_by_field(settings, recipients, gl):
    data, written = vouchers_xml(_notes(settings, recipients), gl)
    root = ET.fromstring(data)
    assert root.tag == "ENVELOPE"
    assert root.findtext("HEADER/TALLYREQUEST") == "Import Data"
    assert root.findtext("BODY/IMPORTDATA/REQUESTDESC/STATICVARIABLES/SVCURRENTCOMPANY") \
        == "Sunrise & Sons <HQ>"
    vouchers = root.findall("BODY/IMPORTDATA/REQUESTDATA/TALLYMESSAGE/VOUCHER")
    assert written == ["SCN/2627/42", "SCN/2627/43", "SCN/2627/44"]
    igst, debit, cash = vouchers
    assert igst.attrib == {"VCHTYPE": "Credit Note", "ACTION": "Create",
                           "REMOTEID": "SO-7-PRG-GST-D001-2026-06-01"}
    assert [igst.findtext(t) for t in ("DATE", "VOUCHERTYPENAME", "VOUCHERNUMBER",
                                       "REFERENCE", "PARTYLEDGERNAME")] == \
        ["20260731", "Credit Note", "SCN/2627/42", "SO-7-PRG-GST-D001-2026-06-01",
         "Mumbai Traders LLP"]
    assert _entries(igst) == [("Trade Scheme Discount", "Yes", "-3333.33"),
                              ("Output IGST", "Yes", "-311.11"),
                              ("Mumbai Traders LLP", "No", "3644.44")]
    assert debit.attrib["VCHTYPE"] == "Debit Note"
    assert _entries(debit) == [("BLR Dist", "Yes", "-590.00"),
                               ("Trade Scheme Discount", "No", "500.00"),
                               ("Output CGST", "No", "45.00"), ("Output SGST", "No", "45.00")]
    assert _entries(cash) == [("Cash Incentive", "Yes", "-900.00"),
                              ("Mumbai Traders LLP", "No", "900.00")]
    for v in vouchers:  # every voucher balances
        assert sum(D(a) for _, _, a in _entries(v)) == 0


def test_no_voucher_number_twice(settings, recipients, gl):
    notes = _notes(settings, recipients)
    data, written = vouchers_xml([*notes, notes[0]], gl, sent=frozenset({"SCN/2627/43"}))
    assert written == ["SCN/2627/42", "SCN/2627/44"]
    numbers = [v.findtext("VOUCHERNUMBER") for v in ET.fromstring(data).iter("VOUCHER")]
    assert numbers == written
    again, none = vouchers_xml(notes, gl, sent=frozenset(written) | {"SCN/2627/43"})
    assert none == [] and ET.fromstring(again).find(".//VOUCHER") is None


def test_hostile_names_are_escaped(settings, recipients, gl):
    """A legal name with markup, an ampersand, quotes and a control character comes back
    as the same text (less the character XML cannot hold), never as markup."""
    evil = '</LEDGERNAME><AMOUNT>1</AMOUNT> & "Sons" \'x\'\x01'
    hostile = {**recipients, "D001": Recipient(**{**recipients["D001"].__dict__,
                                                  "legal_name": evil})}
    rec = recorded("900.00", program="PRG-CASH", payout_id=44, name=evil)
    notes, _ = build_notes([rec], settings=settings, recipients=hostile, facts={})
    data, _ = vouchers_xml(notes, gl)
    [v] = ET.fromstring(data).iter("VOUCHER")
    assert v.findtext("PARTYLEDGERNAME") == evil[:-1]
    assert _entries(v)[1] == (evil[:-1], "No", "900.00")


def test_journal_rows_balance_and_carry_gl_accounts(settings, recipients, gl):
    rows = journal_rows(_notes(settings, recipients), gl)
    assert [(r["voucher_number"], r["ledger"], r["account"], r["debit"], r["credit"])
            for r in rows[:3]] == [
        ("SCN/2627/42", "Trade Scheme Discount", "410100", D("3333.33"), D("0.00")),
        ("SCN/2627/42", "Output IGST", "220310", D("311.11"), D("0.00")),
        ("SCN/2627/42", "Mumbai Traders LLP", "130100", D("0.00"), D("3644.44"))]
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows) == D("5134.44")
    parsed = list(csv.DictReader(io.StringIO(journal_csv(rows).decode())))
    assert parsed[0]["debit"] == "3333.33" and len(parsed) == len(rows)
    sheet = load_workbook(io.BytesIO(journal_xlsx(rows))).active
    assert sheet.cell(2, 9).value == 3333.33 and sheet.max_row == len(rows) + 1


def test_journal_text_is_safe_from_formula_injection(settings, recipients, gl):
    hostile = {**recipients, "D001": Recipient(**{**recipients["D001"].__dict__,
                                                  "legal_name": "=cmd|' /C calc'!A0"})}
    rec = recorded("900.00", program="PRG-CASH", payout_id=44)
    notes, _ = build_notes([rec], settings=settings, recipients=hostile, facts={})
    parsed = list(csv.DictReader(io.StringIO(journal_csv(journal_rows(notes, gl)).decode())))
    assert parsed[1]["ledger"] == "'=cmd|' /C calc'!A0"
