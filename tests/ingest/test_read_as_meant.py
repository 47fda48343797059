"""Inputs a user expects to be read as the value they mean: each loads, and the typed value in
the warehouse is the one meant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from .conftest import SALES_HEADER, Bench


def _sales_row(bench: Bench, sql: str) -> list[tuple]:
    return bench.rows(f"SELECT {sql} FROM sales ORDER BY invoice_id, line_no")


@pytest.mark.parametrize(("text", "meant"), [
    ('"1,234.50"', Decimal("1234.50")),
    ('"1,23,456.00"', Decimal("123456.00")),
    ('"12,34,567.25"', Decimal("1234567.25")),
    ("12.500", Decimal("12.50")),
    ("7", Decimal("7.00")),
    ("+3.1", Decimal("3.10")),
], ids=["thousands", "indian_lakh", "indian_crore", "trailing_zeros", "whole", "plus_sign"])
def test_money_text_is_read_as_the_amount_meant(bench: Bench, text: str, meant: Decimal):
    """Thousands separators (Western and Indian, quoted), trailing zeros beyond 2 places, a whole
    number and a leading + are read as the exact decimal amount."""
    out = bench.load(bench.csv("sales.csv", f"{SALES_HEADER}\nS1,1,2026-01-05,D1,O1,P1,2,"
                                            f"{text},invoice,\n"))
    assert out.report.ok and out.report.loaded, out.problems
    assert _sales_row(bench, "net_amount") == [(meant,)]


def test_case_and_spaces_in_choices_and_header_names(bench: Bench):
    """`Invoice`/` RETURN ` are read as invoice/return, and header names with spaces, capitals
    and dashes ("Net Amount", "Invoice ID", "Line-No") map to the contract's columns."""
    header = ("Invoice ID,Line-No,Invoice Date,Distributor_ID,Outlet Id,SKU,Quantity,"
              "Net Amount,Doc Type,Ref Invoice ID")
    out = bench.load(bench.csv("sales.csv", f"{header}\n"
                               "S1,1,2026-01-05,D1,O1,P1,2,20.00,Invoice,\n"
                               "C1,1,2026-01-06,D1,O1,P1,-1,-10.00, RETURN ,S1\n"))
    assert out.report.ok, out.problems
    assert _sales_row(bench, "invoice_id, doc_type, net_amount, ref_invoice_id") == [
        ("C1", "return", Decimal("-10.00"), "S1"), ("S1", "invoice", Decimal("20.00"), None)]


def test_utf8_bom_and_blank_lines(bench: Bench):
    """A UTF-8 byte-order mark before the header is ignored and blank lines (also the one at
    the end, or Windows line ends) are skipped, not counted as rows."""
    text = (f"\ufeff{SALES_HEADER}\r\nS1,1,2026-01-05,D1,O1,P1,2,20.00,invoice,\r\n\r\n"
            "S2,1,2026-01-06,D2,O2,P2,1,25.50,invoice,\r\n\r\n")
    out = bench.load(bench.csv("sales.csv", text))
    assert out.report.ok, out.problems
    assert out.counts("sales").read == 2
    assert _sales_row(bench, "invoice_id, invoice_date") == [
        ("S1", dt.date(2026, 1, 5)), ("S2", dt.date(2026, 1, 6))]


def test_optional_columns_left_out_load_as_null(bench: Bench):
    """A file without optional columns (sales without ref_invoice_id; outlets without
    coordinates, phone…) loads, and those columns are NULL."""
    out = bench.load(
        bench.csv("outlets.csv", "outlet_id,name,distributor_id,created_on\n"
                                 "O3,Shop Three,D1,2024-01-01\n"),
        bench.csv("sales.csv", "invoice_id,line_no,invoice_date,distributor_id,outlet_id,sku,"
                               "quantity,net_amount,doc_type\nS1,1,2026-01-05,D1,O3,P1,2,20,"
                               "invoice\n"))
    assert out.report.ok, out.problems
    assert _sales_row(bench, "ref_invoice_id, entered_on, net_amount") == [
        (None, None, Decimal("20.00"))]
    assert bench.rows("SELECT latitude, longitude, phone, city FROM outlets "
                      "WHERE outlet_id = 'O3'") == [(None, None, None, None)]


def test_warehouse_made_before_entered_on_gains_it(bench: Bench):
    """A warehouse whose sales table predates the optional sales.entered_on column gets it
    (empty on its rows) at the next load, and a file with the column loads into it."""
    import duckdb

    con = duckdb.connect(str(bench.warehouse))
    con.execute("ALTER TABLE sales DROP COLUMN entered_on")
    con.close()
    out = bench.load(bench.csv(
        "sales.csv", "invoice_id,line_no,invoice_date,distributor_id,outlet_id,sku,quantity,"
        "net_amount,doc_type,entered_on\nS1,1,2026-01-29,D1,O1,P1,2,20,invoice,2026-02-04\n"))
    assert out.report.ok, out.problems
    assert _sales_row(bench, "invoice_date, entered_on") == [
        (dt.date(2026, 1, 29), dt.date(2026, 2, 4))]


def test_excel_date_cells_and_numbers_without_float_noise(bench: Bench):
    """Excel date cells (datetime at midnight, and date) load as dates; numeric cells load as
    the number a user sees: 12.3*3 (36.900000000000006 as a float) is 36.90, 0.1+0.2 is 0.30,
    a whole float 3.0 is line 3, a float cost like 0.07 stays 0.07."""
    path = bench.xlsx("products.xlsx", [
        ["sku", "name", "category", "unit_price", "unit_cost", "launched_on"],
        ["P3", "Lotion", "personal_care", 12.3 * 3, 0.1 + 0.2, dt.datetime(2026, 10, 31)],
        ["P4", "Cream", "personal_care", 1234567.5, 0.07, dt.date(2025, 1, 2)],
        ["P5", "Gel", "personal_care", 3.0, 1.1 * 3, None],
    ])
    out = bench.load(path)
    assert out.report.ok, out.problems
    assert bench.rows("SELECT sku, unit_price, unit_cost, launched_on FROM products "
                      "WHERE sku >= 'P3' ORDER BY sku") == [
        ("P3", Decimal("36.90"), Decimal("0.30"), dt.date(2026, 10, 31)),
        ("P4", Decimal("1234567.50"), Decimal("0.07"), dt.date(2025, 1, 2)),
        ("P5", Decimal("3.00"), Decimal("3.30"), None)]


def test_excel_numeric_ids_keep_the_leading_zeros_they_show(bench: Bench):
    """A numeric cell formatted with leading zeros (00123, a 6-digit postal code 001234) is
    read as the text it shows; a text cell '00124' stays as it is."""
    path = bench.xlsx("outlets.xlsx", [
        ["outlet_id", "name", "distributor_id", "postal_code", "phone", "created_on"],
        [123, "Shop Three", "D1", 1234, 98765, dt.datetime(2026, 1, 5)],
        ["00124", "Shop Four", "D1", "012345", 42, dt.date(2026, 1, 6)],
    ])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws["A2"].number_format = "00000"
    ws["D2"].number_format = "000000"
    ws["E2"].number_format = "0000000000"
    wb.save(path)
    out = bench.load(path)
    assert out.report.ok, out.problems
    assert bench.rows("SELECT outlet_id, postal_code, phone, created_on FROM outlets "
                      "WHERE outlet_id NOT IN ('O1', 'O2') ORDER BY 1") == [
        ("00123", "001234", "0000098765", dt.date(2026, 1, 5)),
        ("00124", "012345", "42", dt.date(2026, 1, 6))]


def test_whitespace_only_lines_are_blank(bench: Bench):
    """A line of spaces or tabs is blank like an empty one: skipped, not a malformed row."""
    text = f"{SALES_HEADER}\nS1,1,2026-01-05,D1,O1,P1,2,20.00,invoice,\n   \n\t\n"
    out = bench.load(bench.csv("sales.csv", text))
    assert out.report.ok, out.problems
    assert out.counts("sales").read == 1


def test_excel_integer_cells_and_sheet_named_after_table(bench: Bench):
    """Numeric cells for line_no and quantity load as the integers they show, from the sheet
    named after the table even when it is not the first sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "notes"
    wb.active.append(["exported by the DMS"])
    ws = wb.create_sheet("sales")
    ws.append(SALES_HEADER.split(","))
    ws.append(["S1", 1.0, dt.datetime(2026, 1, 5), "D1", "O1", "P1", 2, 20.1, "invoice", None])
    path = bench.path("sales.xlsx")
    wb.save(path)
    out = bench.load(path)
    assert out.report.ok, out.problems
    assert _sales_row(bench, "line_no, invoice_date, quantity, net_amount") == [
        (1, dt.date(2026, 1, 5), Decimal("2.000"), Decimal("20.10"))]


def test_parquet_midnight_timestamps_are_dates(bench: Bench):
    """A Parquet file whose date column is a timestamp at midnight (as pandas writes dates)
    loads the date; decimals and integers keep their values."""
    path = bench.parquet("primary_sales.parquet", {
        "invoice_id": ["PI1"], "line_no": pa.array([1], pa.int32()),
        "invoice_date": pa.array([dt.datetime(2026, 1, 5)], pa.timestamp("ns")),
        "due_date": pa.array([dt.datetime(2026, 2, 4)], pa.timestamp("us")),
        "distributor_id": ["D1"], "sku": ["P1"], "quantity": pa.array([10], pa.int64()),
        "net_amount": pa.array([Decimal("100.10")], pa.decimal128(12, 2)),
    })
    out = bench.load(path)
    assert out.report.ok, out.problems
    assert bench.rows("SELECT invoice_date, due_date, quantity, net_amount FROM primary_sales") \
        == [(dt.date(2026, 1, 5), dt.date(2026, 2, 4), Decimal("10.000"), Decimal("100.10"))]


def test_parquet_timestamp_with_a_time_is_not_a_date(bench: Bench):
    """A timestamp that is not at midnight is not silently truncated to its date: bad_date."""
    path = bench.parquet("primary_sales.parquet", {
        "invoice_id": ["PI1"], "line_no": [1],
        "invoice_date": pa.array([dt.datetime(2026, 1, 5, 13, 30)], pa.timestamp("us")),
        "due_date": [dt.date(2026, 2, 4)], "distributor_id": ["D1"], "sku": ["P1"],
        "quantity": [10], "net_amount": ["100.00"],
    })
    out = bench.load(path)
    out.problem("bad_date", 1, "invoice_date")
    assert out.after == out.before
