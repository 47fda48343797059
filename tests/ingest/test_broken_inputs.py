"""Broken inputs: each is rejected with its specific code, row (CSV header = line 1; Excel sheet
row; Parquet record number) and column, a reason and a fix; counts reconcile; and in atomic
mode the warehouse is exactly as it was."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from .conftest import PAYMENTS_HEADER, PRIMARY_HEADER, SALES_HEADER, Bench

#: A valid sales line (line 2 of the files below), so bad rows sit at line 3 or later.
GOOD = "S1,1,2026-01-05,D1,O1,P1,2,20.00,invoice,"


def sales(*rows: str) -> str:
    """A sales CSV: header, the valid line S1/1, then `rows`."""
    return "\n".join([SALES_HEADER, GOOD, *rows]) + "\n"


def primary(*rows: str) -> str:
    """A primary_sales CSV: header, a valid line, then `rows`."""
    return "\n".join([PRIMARY_HEADER, "PI1,1,2026-01-05,2026-02-04,D1,P1,10,100.00", *rows]) + "\n"


def payments(*rows: str) -> str:
    """A payments CSV: header, a valid on-account payment, then `rows`."""
    return "\n".join([PAYMENTS_HEADER, "PAY1,D1,,2026-01-10,50.00", *rows]) + "\n"


OUTLETS_HEAD = ("outlet_id,name,distributor_id,outlet_type,city,postal_code,phone,tax_id,"
                "latitude,longitude,created_on")


def outlets(*rows: str) -> str:
    """An outlets CSV: header, a valid new outlet O3, then `rows`."""
    return "\n".join([OUTLETS_HEAD, "O3,Shop Three,D1,grocery,Delhi,,,,28.6,77.2,2024-01-01",
                      *rows]) + "\n"


PARTICIPANTS_HEAD = "participant_id,name,role,parent_id"


@dataclass(frozen=True)
class Case:
    """A broken input: how to write it, and every problem expected as (code, row, column) or
    (code, row, column, end of the file name)."""

    make: Callable[[Bench], list[Path]]
    expect: list[tuple[str, int | None, str]]
    table: str | None = "sales"
    read: int | None = None  # rows the table's count must say were read (None: not checked)
    fix_contains: str = ""


def csv_file(name: str, text: str) -> Callable[[Bench], list[Path]]:
    """Writes `text` as UTF-8 file `name`."""
    return lambda b: [b.csv(name, text)]


def raw_file(name: str, data: bytes) -> Callable[[Bench], list[Path]]:
    """Writes `data` as file `name`, byte for byte."""
    return lambda b: [b.bytes(name, data)]


def _two_sales_files(b: Bench) -> list[Path]:
    return [b.csv("a/sales.csv", sales()), b.csv("b/sales.csv", sales())]


def _excel_title_row(b: Bench) -> list[Path]:
    return [b.xlsx("participants.xlsx", [
        ["Participants export, January 2026"],
        [],
        ["participant_id", "name", "role", "parent_id"],
        ["D3", "Dist Three", "distributor", "R1"],
        ["D4", "Dist Four", "boss", "R1"],
    ])]


def _excel_misspelt_below_title(b: Bench) -> list[Path]:
    return [b.xlsx("sales.xlsx", [
        ["Secondary sales, week 2"],
        SALES_HEADER.replace("net_amount", "net_amt").split(","),
        ["S1", 1, dt.datetime(2026, 1, 5), "D1", "O1", "P1", 2, 20, "invoice", None],
    ])]


def _excel_date_cells(b: Bench) -> list[Path]:
    return [b.xlsx("outlets.xlsx", [
        ["outlet_id", "name", "distributor_id", "created_on"],
        ["O3", "Shop Three", "D1", dt.datetime(2026, 10, 31)],
        ["O4", "Shop Four", "D1", "31/10/2026"],
    ])]


def _parquet_missing_column(b: Bench) -> list[Path]:
    return [b.parquet("sales.parquet", {
        "invoice_id": ["S1", "S2"], "line_no": [1, 1],
        "invoice_date": [dt.date(2026, 1, 5)] * 2, "distributor_id": ["D1"] * 2,
        "outlet_id": ["O1"] * 2, "sku": ["P1"] * 2, "quantity": [2, 3],
        "doc_type": ["invoice"] * 2,
    })]


def _parquet_bad_date(b: Bench) -> list[Path]:
    return [b.parquet("sales.parquet", {
        "invoice_id": ["S1", "S2"], "line_no": [1, 1],
        "invoice_date": ["2026-01-05", "2026-02-30"], "distributor_id": ["D1"] * 2,
        "outlet_id": ["O1"] * 2, "sku": ["P1"] * 2, "quantity": [2, 3],
        "net_amount": pa.array([20, 30], pa.decimal128(18, 2)), "doc_type": ["invoice"] * 2,
    })]


CASES: dict[str, Case] = {
    "bad_date_feb_30": Case(csv_file("sales.csv", sales(
        "S2,1,2026-02-30,D1,O1,P1,2,20.00,invoice,")), [("bad_date", 3, "invoice_date")]),
    "bad_date_day_first": Case(csv_file("sales.csv", sales(
        "S2,1,31/10/2026,D1,O1,P1,2,20.00,invoice,")), [("bad_date", 3, "invoice_date")]),
    "unknown_sku": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P9,2,20.00,invoice,")), [("unknown_reference", 3, "sku")]),
    "unknown_outlet": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O9,P1,2,20.00,invoice,")), [("unknown_reference", 3, "outlet_id")]),
    "unknown_distributor": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D9,O1,P1,2,20.00,invoice,")),
        [("unknown_reference", 3, "distributor_id")]),
    "distributor_is_a_sales_rep": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,R1,O1,P1,2,20.00,invoice,")),
        [("wrong_reference", 3, "distributor_id")]),
    "duplicate_key_in_one_file": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,2,20.00,invoice,",
        "S1,1,2026-01-06,D1,O1,P2,1,25.50,invoice,")),
        [("duplicate_key", 2, "invoice_id,line_no"), ("duplicate_key", 4, "invoice_id,line_no")]),
    "duplicate_key_across_two_files": Case(_two_sales_files, [
        ("duplicate_key", 2, "invoice_id,line_no", "a/sales.csv"),
        ("duplicate_key", 2, "invoice_id,line_no", "b/sales.csv")]),
    "invoice_with_negative_quantity": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,-2,20.00,invoice,")), [("sign", 3, "quantity")]),
    "return_with_positive_amount": Case(csv_file("sales.csv", sales(
        "C1,1,2026-01-06,D1,O1,P1,-1,10.00,return,S1")), [("sign", 3, "net_amount")]),
    "return_without_ref_invoice": Case(csv_file("sales.csv", sales(
        "C1,1,2026-01-06,D1,O1,P1,-1,-10.00,return,")), [("missing", 3, "ref_invoice_id")]),
    "return_of_unknown_invoice": Case(csv_file("sales.csv", sales(
        "C1,1,2026-01-06,D1,O1,P1,-1,-10.00,return,S404")),
        [("unknown_reference", 3, "ref_invoice_id")]),
    "return_of_a_return": Case(csv_file("sales.csv", sales(
        "C1,1,2026-01-06,D1,O1,P1,-1,-10.00,return,S1",
        "C2,1,2026-01-07,D1,O1,P1,-1,-10.00,return,C1")),
        [("wrong_reference", 4, "ref_invoice_id")]),
    "missing_required_column": Case(csv_file("sales.csv", (
        "invoice_id,line_no,invoice_date,distributor_id,outlet_id,sku,quantity,doc_type\n"
        "S1,1,2026-01-05,D1,O1,P1,2,invoice\n"
        "S2,1,2026-01-05,D1,O1,P1,2,invoice")),  # no newline at the end: still 2 rows
        [("missing_column", 1, "net_amount")], read=2),
    "misspelt_column": Case(csv_file("sales.csv", sales().replace("net_amount", "net_amt")),
                            [("unknown_column", 1, "net_amt")], read=1,
                            fix_contains="did you mean `net_amount`?"),
    "empty_required_value": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,,2,20.00,invoice,")), [("missing", 3, "sku")]),
    "empty_file": Case(raw_file("sales.csv", b""), [("empty_file", None, "")], read=0),
    "header_only": Case(csv_file("sales.csv", SALES_HEADER + "\n"), [("no_rows", None, "")],
                        read=0),
    "semicolon_delimiter": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,2,20.00,invoice,").replace(",", ";")),
        [("wrong_delimiter", 1, "")], read=2, fix_contains="comma"),
    "latin1_bytes": Case(raw_file("outlets.csv", (
        outlets().encode() + "O4,Café Four,D1,,,,,,,,2024-01-01\n".encode("latin-1"))),
        [("not_utf8", 3, "")], table="outlets", read=2, fix_contains="UTF-8"),
    # a two-byte character cut in half by a truncated export: the file's last byte is 0xC2
    "character_cut_off_at_the_end": Case(raw_file("sales.csv", sales().encode() + b"S2,\xc2"),
                                         [("not_utf8", 3, "")], read=2, fix_contains="UTF-8"),
    "file_of_one_cut_off_character": Case(raw_file("sales.csv", b"\xc2"),
                                          [("not_utf8", 1, "")], read=0, fix_contains="UTF-8"),
    "row_with_too_many_fields": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,2,1,234.50,invoice,",
        "S3,1,2026-01-05,D1,O1,P1,2,20.00,invoice,",
        "S4,1,2026-13-01,D1,O1,P1,2,20.00,invoice,")),
        [("field_count", 3, ""), ("bad_date", 5, "invoice_date")], read=4),
    "row_with_too_few_fields": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1",
        "S3,1,2026-01-05,D1,O1,P1,2,20.00,invoice,",
        "S4,1,2026-01-05,D1,O1,P1,2,20.00,credit,")),
        [("field_count", 3, ""), ("not_allowed", 5, "doc_type")], read=4),
    "money_with_three_decimals": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,2,20.005,invoice,")), [("too_many_decimals", 3, "net_amount")]),
    "money_not_a_number": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,2,12abc,invoice,")), [("bad_number", 3, "net_amount")]),
    "money_with_currency_sign": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,2,₹100,invoice,")), [("bad_number", 3, "net_amount")]),
    "line_no_not_whole": Case(csv_file("sales.csv", sales(
        "S2,1.5,2026-01-05,D1,O1,P1,2,20.00,invoice,")), [("bad_integer", 3, "line_no")]),
    "role_not_allowed": Case(csv_file("participants.csv", (
        f"{PARTICIPANTS_HEAD}\nD3,Dist Three,distributor,R1\nD4,Dist Four,boss,R1\n")),
        [("not_allowed", 3, "role")], table="participants"),
    "doc_type_not_allowed": Case(csv_file("sales.csv", sales(
        "S2,1,2026-01-05,D1,O1,P1,2,20.00,credit,")), [("not_allowed", 3, "doc_type")]),
    "excel_title_row_above_header": Case(_excel_title_row, [("not_allowed", 5, "role")],
                                         table="participants", read=2),
    "excel_misspelt_column_below_title_row": Case(
        _excel_misspelt_below_title, [("unknown_column", 2, "net_amt")], read=1,
        fix_contains="did you mean `net_amount`?"),
    "excel_date_cells_and_a_text_date": Case(_excel_date_cells, [("bad_date", 3, "created_on")],
                                             table="outlets", read=2),
    "file_name_is_no_table": Case(csv_file("customers.csv", sales()),
                                  [("unknown_table", None, "")], table=None),
    "unknown_file_extension": Case(csv_file("sales.txt", sales()),
                                   [("unknown_format", None, "")], table=None),
    "due_date_before_invoice_date": Case(csv_file("primary_sales.csv", primary(
        "PI2,1,2026-01-05,2026-01-04,D1,P1,10,100.00")), [("before_invoice", 3, "due_date")],
        table="primary_sales"),
    "primary_buyer_is_a_manager": Case(csv_file("primary_sales.csv", primary(
        "PI2,1,2026-01-05,2026-02-04,M1,P1,10,100.00")),
        [("wrong_reference", 3, "distributor_id")], table="primary_sales"),
    "payment_of_zero": Case(csv_file("payments.csv", payments("PAY2,D1,,2026-01-11,0.00")),
                            [("sign", 3, "amount")], table="payments"),
    "payment_of_unknown_primary_invoice": Case(csv_file("payments.csv", payments(
        "PAY2,D1,PI404,2026-01-11,10.00")), [("unknown_reference", 3, "invoice_id")],
        table="payments"),
    "parquet_missing_required_column": Case(_parquet_missing_column,
                                            [("missing_column", 1, "net_amount")], read=2),
    "parquet_bad_date_value": Case(_parquet_bad_date, [("bad_date", 2, "invoice_date")], read=2),
    "latitude_out_of_range": Case(csv_file("outlets.csv", outlets(
        "O4,Shop Four,D1,grocery,Delhi,,,,95.5,77.2,2024-01-01")),
        [("out_of_range", 3, "latitude")], table="outlets"),
    "outlet_served_by_unknown_participant": Case(csv_file("outlets.csv", outlets(
        "O4,Shop Four,D7,grocery,Delhi,,,,,,2024-01-01")),
        [("unknown_reference", 3, "distributor_id")], table="outlets"),
    "participant_is_its_own_parent": Case(csv_file("participants.csv", (
        f"{PARTICIPANTS_HEAD}\nD3,Dist Three,distributor,R1\nD4,Dist Four,dealer,D4\n")),
        [("self_parent", 3, "parent_id")], table="participants"),
    "misspelt_column_and_blank_lines": Case(csv_file("sales.csv", sales(
        "", "S2,1,2026-01-05,D1,O1,P1,2,20.00,invoice,", "", "").replace("net_amount", "net_amt")),
        [("unknown_column", 1, "net_amt")], read=2),
    "header_and_blank_lines_only": Case(csv_file("sales.csv", SALES_HEADER + "\n\n \n\n"),
                                        [("no_rows", None, "")], read=0),
    "date_with_five_digit_year": Case(csv_file("sales.csv", sales(
        "S2,1,20261-01-05,D1,O1,P1,2,20.00,invoice,")), [("bad_date", 3, "invoice_date")]),
    "parent_cycle": Case(csv_file("participants.csv", (
        f"{PARTICIPANTS_HEAD}\nD3,Dist Three,distributor,R1\nA,Boss A,manager,B\n"
        "B,Boss B,manager,C\nC,Boss C,manager,A\n")),
        [("parent_cycle", 3, "parent_id"), ("parent_cycle", 4, "parent_id"),
         ("parent_cycle", 5, "parent_id")], table="participants"),
    "child_of_a_parent_cycle": Case(csv_file("participants.csv", (
        f"{PARTICIPANTS_HEAD}\nA,Boss A,manager,B\nB,Boss B,manager,A\n"
        "D3,Dist Three,distributor,A\n")),
        [("parent_cycle", 2, "parent_id"), ("parent_cycle", 3, "parent_id"),
         ("unknown_reference", 4, "parent_id")], table="participants"),
    "payment_of_another_distributors_invoice": Case(lambda b: [
        b.csv("primary_sales.csv", primary()),
        b.csv("payments.csv", payments("PAY2,D2,PI1,2026-01-11,10.00"))],
        [("wrong_reference", 3, "invoice_id")], table="payments"),
    "return_by_another_distributor": Case(csv_file("sales.csv", sales(
        "C1,1,2026-01-06,D2,O2,P1,-1,-10.00,return,S1")),
        [("wrong_reference", 3, "ref_invoice_id")]),
    "excel_value_beyond_the_header": Case(lambda b: [b.xlsx("outlets.xlsx", [
        ["outlet_id", "name", "distributor_id", "created_on"],
        ["O3", "Shop Three", "D1", dt.datetime(2026, 10, 31)],
        ["O4", "Shop Four", "D1", dt.datetime(2026, 10, 31), None, "closed in 2027"],
    ])], [("field_count", 3, "")], table="outlets", read=2),
    "excel_formula_never_calculated": Case(lambda b: [b.xlsx("outlets.xlsx", [
        ["outlet_id", "name", "distributor_id", "created_on"],
        ["O3", "Shop Three", "D1", dt.datetime(2026, 10, 31)],
        ["O4", '=CONCAT("Shop ", "Four")', "D1", dt.datetime(2026, 10, 31)],
    ])], [("excel_uncalculated", 3, "name")], table="outlets", read=2),
    "gzipped_csv": Case(raw_file("sales.csv.gz", gzip.compress(sales().encode())),
                        [("unsupported_file", None, "")], table=None,
                        fix_contains="decompress"),
    "zstd_csv": Case(raw_file("sales.csv.zst", b"\x28\xb5\x2f\xfd"),
                     [("unsupported_file", None, "")], table=None, fix_contains="decompress"),
    "legacy_xls": Case(raw_file("products.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
                       [("unsupported_file", None, "")], table=None, fix_contains=".xlsx"),
    "excel_error_cell": Case(lambda b: [b.xlsx("outlets.xlsx", [
        ["outlet_id", "name", "distributor_id", "created_on"],
        ["O3", "Shop Three", "D1", dt.datetime(2026, 10, 31)],
        ["O4", "#N/A", "D1", dt.datetime(2026, 10, 31)],
    ])], [("excel_error", 3, "name")], table="outlets", read=2),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_broken_input_is_rejected_with_code_row_and_column(bench: Bench, case: Case):
    """The input is rejected with its code, row and column, a reason and a fix (and the hint
    named in `fix_contains`); counts reconcile; nothing is written to the warehouse."""
    paths = case.make(bench)
    out = bench.load(*paths)
    for code, row, column, *where in case.expect:
        candidates = [p for p in out.problems if not where or p["file"].endswith(where[0])]
        p = next((p for p in candidates if (p["code"], p["row"], p["column"])
                  == (code, "" if row is None else str(row), column)), None)
        assert p is not None, (code, row, column, out.problems)
        assert p["reason"].strip() and p["fix"].strip(), p
        if case.fix_contains:
            assert case.fix_contains in p["fix"], p
    got = sorted((p["code"], p["row"], p["column"]) for p in out.problems)
    want = sorted((c, "" if r is None else str(r), col) for c, r, col, *_ in case.expect)
    assert got == want, "exactly the expected problems, no others"
    assert not out.report.loaded and not out.report.ok
    assert out.after == out.before, "atomic mode must leave the warehouse unchanged"
    if case.table is None:
        assert out.report.counts == ()
    else:
        c = out.counts(case.table)
        assert c.rejected >= 1 or case.read == 0
        if case.read is not None:
            assert c.read == case.read, c


def test_conflict_is_reported_and_never_overwrites(bench: Bench):
    """Loading an already loaded key with another amount is a `conflict` naming the differing
    column; the warehouse keeps the first value, in atomic and in accept-valid mode."""
    first = bench.load(bench.csv("sales.csv", sales()))
    assert first.report.ok and first.report.loaded
    changed = bench.csv("sales.csv", sales().replace("20.00", "21.00"))
    for accept in (False, True):
        out = bench.load(changed, accept_valid=accept)
        p = out.problem("conflict", 2, "invoice_id,line_no")
        assert p["value"] == "S1|1"
        assert "net_amount" in p["reason"] and "quantity" not in p["reason"]
        c = out.counts("sales")
        assert (c.read, c.accepted, c.rejected, c.already_present, c.conflicts) == (1, 0, 0, 0, 1)
        assert out.after["sales"] == out.before["sales"]
        if not accept:
            assert out.after == out.before
        assert bench.rows("SELECT net_amount FROM sales")[0][0] == pytest.approx(20)
    assert bench.rows("SELECT count(*) FROM sales") == [(1,)]


def test_line_numbers_after_a_quoted_value_spanning_two_lines(bench: Bench):
    """An outlet name quoted across two lines: the bad row after it is reported at its own
    line (5), as a text editor shows it."""
    out = bench.load(bench.csv("outlets.csv", outlets(
        'O4,"Shop\nFour",D1,,,,,,,,2024-01-01', "O5,Shop Five,D1,,,,,,,,2024-02-30")))
    out.problem("bad_date", 5, "created_on")


def test_an_unclosed_quote_says_how_far_the_row_runs(bench: Bench):
    """A quote left open swallows the lines after it into one row: the problem says so and
    up to which line, so the user does not go looking for a wrong comma."""
    out = bench.load(bench.csv("sales.csv", sales('S2,1,2026-01-05,D1,O1,"P1,2,20.00,invoice,',
                                                  "S3,1,2026-01-05,D1,O1,P1,2,20.00,invoice,")))
    p = out.problem("field_count", 3)
    assert "line 4" in p["reason"] and "quote" in p["reason"] and "quote" in p["fix"], p


def test_blank_looking_lines_do_not_shift_line_numbers(bench: Bench):
    """Blank lines are skipped without being counted, and the line numbers reported after
    them (and after a malformed row) are still the file's own line numbers."""
    text = sales("", "S2,1,2026-01-05,D1,O1", "", "S3,1,2026-02-30,D1,O1,P1,2,20.00,invoice,")
    out = bench.load(bench.csv("sales.csv", text))
    assert sorted((p["code"], p["row"]) for p in out.problems) == [
        ("bad_date", "6"), ("field_count", "4")]
    assert out.counts("sales").read == 3
