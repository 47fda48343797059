"""A Parquet file whose columns already have the contract's types is read as it is, without
being turned into text and parsed back; it must load exactly as the same values as text do:
the same rows accepted, the same problems (row, column, code, value, reason)."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemeops.ingest.parquet_reader import _as_is
from schemeops.schema import DType, Kind

from .conftest import Bench

EPOCH = dt.date(1970, 1, 1)


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


#: Dates as days since 1970: ordinary ones, the first and last a YYYY-MM-DD text can
#: write, and two it cannot (year 10000 and a year BC), which a date32 column can hold.
_DATES = st.sampled_from([_days(dt.date(2026, 1, 5)), _days(dt.date(2026, 2, 28)),
                          _days(dt.date(1, 1, 1)), _days(dt.date(9999, 12, 31)),
                          _days(dt.date(9999, 12, 31)) + 1, _days(dt.date(1, 1, 1)) - 1])
_ROW = st.fixed_dictionaries({
    "invoice_id": st.sampled_from(["S{i}", " S{i} ", "", None, "X0"]),
    "line_no": st.sampled_from([1, 2, -5, 2**62, None]),
    "invoice_date": st.one_of(st.none(), _DATES),
    "distributor_id": st.sampled_from(["D1", "D2", "R1", "D9", " D1 ", None]),
    "outlet_id": st.sampled_from(["O1", "O2", "O9", ""]),
    "sku": st.sampled_from(["P1", "P2", "P9"]),
    "quantity": st.sampled_from([Decimal("2"), Decimal("-1"), Decimal("0"), Decimal("1.5"),
                                 None]),
    "net_amount": st.sampled_from([Decimal("10.0"), Decimal("-1.5"), Decimal("0"), None]),
    "doc_type": st.sampled_from(["invoice", "return", " INVOICE ", "refund", "", None]),
    "ref_invoice_id": st.sampled_from([None, "X0", "S0", "", "X9"]),
    "entered_on": st.one_of(st.none(), _DATES),
})

#: Arrow types each file may use: the contract's own, and narrower ones that hold only its
#: values (an int32 line number, an amount with one decimal place).
_TYPES = st.fixed_dictionaries({
    "line_no": st.sampled_from([pa.int64(), pa.int32(), pa.uint16()]),
    "quantity": st.sampled_from([pa.decimal128(18, 3), pa.decimal128(9, 1)]),
    "net_amount": st.sampled_from([pa.decimal128(18, 2), pa.decimal128(17, 1)]),
})


def _typed_file(path: Path, rows: list[dict], types: dict) -> None:
    cols = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        if name == "invoice_id":
            values = [v.format(i=i) if v else v for i, v in enumerate(values)]
        if name in ("invoice_date", "entered_on"):
            cols[name] = pa.array(values, pa.date32())
        elif name in types:  # wrapped where the narrower type cannot hold a value
            wide = pa.int64() if name == "line_no" else pa.decimal128(18, 3)
            cols[name] = pa.array(values, wide).cast(types[name], safe=False)
        else:
            cols[name] = pa.array(values, pa.string())
    pq.write_table(pa.table(cols), path)


def _as_text(typed: Path, path: Path) -> None:
    """The same file with every column as the text DuckDB writes for its values."""
    con = duckdb.connect()
    try:
        names = [f.name for f in pq.read_schema(typed)]
        cols = ", ".join(f'CAST("{n}" AS VARCHAR) AS "{n}"' for n in names)
        con.execute(f"COPY (SELECT {cols} FROM read_parquet('{typed}')) TO '{path}' "
                    "(FORMAT parquet)")
    finally:
        con.close()


def _outcome(bench: Bench, path: Path) -> tuple[list, list, tuple]:
    out = bench.load(path, accept_valid=True)
    problems = sorted((p["row"], p["column"], p["code"], p["value"], p["reason"], p["fix"])
                      for p in out.problems)
    sales = sorted(bench.rows("SELECT * FROM sales"), key=repr)
    c = out.counts("sales")
    return problems, sales, (c.read, c.accepted, c.rejected, c.already_present, c.conflicts)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=12), types=_TYPES)
def test_typed_parquet_loads_as_its_text_does(master_warehouse: Path, rows: list[dict],
                                              types: dict):
    with tempfile.TemporaryDirectory() as tmp:
        seed = Bench(Path(tmp) / "seed", master_warehouse)
        first = seed.load(seed.csv("sales.csv", "invoice_id,line_no,invoice_date,distributor_id,"
                                   "outlet_id,sku,quantity,net_amount,doc_type\n"
                                   "X0,1,2026-01-01,D1,O1,P1,5,50.00,invoice\n"))
        assert first.report.loaded
        typed_bench = Bench(Path(tmp) / "typed", seed.warehouse)
        text_bench = Bench(Path(tmp) / "text", seed.warehouse)
        typed = typed_bench.path("in/sales.parquet")
        _typed_file(typed, rows, types)
        text = text_bench.path("in/sales.parquet")
        _as_text(typed, text)
        assert _outcome(typed_bench, typed) == _outcome(text_bench, text)


def test_a_parquet_date_the_text_cannot_write_is_a_bad_date(bench: Bench):
    """Year 10000 fits a date32 column; as YYYY-MM-DD it cannot be written, so it is
    refused as a text file's 11-character date is."""
    path = bench.parquet("sales.parquet", {
        "invoice_id": ["S1", "S2"], "line_no": pa.array([1, 1], pa.int64()),
        "invoice_date": pa.array([_days(dt.date(2026, 1, 5)),
                                  _days(dt.date(9999, 12, 31)) + 1], pa.date32()),
        "distributor_id": ["D1", "D1"], "outlet_id": ["O1", "O1"], "sku": ["P1", "P1"],
        "quantity": pa.array([Decimal(1), Decimal(1)], pa.decimal128(18, 3)),
        "net_amount": pa.array([Decimal(10), Decimal(10)], pa.decimal128(18, 2)),
        "doc_type": ["invoice", "invoice"],
    })
    out = bench.load(path)
    assert not out.report.loaded
    p = out.problem("bad_date", 2, "invoice_date")
    assert p["value"] == "10000-01-01"


@pytest.mark.parametrize(("arrow", "dtype", "as_is"), [
    (pa.date32(), DType(Kind.DATE), True),
    (pa.timestamp("ms"), DType(Kind.DATE), False),  # midnight or not: read as text
    (pa.int32(), DType(Kind.INTEGER), True),
    (pa.uint32(), DType(Kind.INTEGER), True),
    (pa.uint64(), DType(Kind.INTEGER), False),  # 2^64 - 1 is not an int64
    (pa.float64(), DType(Kind.DOUBLE), True),
    (pa.float32(), DType(Kind.DOUBLE), False),  # 0.1f is not 0.1 once widened
    (pa.decimal128(18, 2), DType(Kind.DECIMAL, 18, 2), True),
    (pa.decimal128(10, 1), DType(Kind.DECIMAL, 18, 2), True),
    (pa.decimal128(18, 3), DType(Kind.DECIMAL, 18, 2), False),  # a third decimal place
    (pa.decimal128(38, 2), DType(Kind.DECIMAL, 18, 2), False),  # too many digits
    (pa.float64(), DType(Kind.DECIMAL, 18, 2), False),
    (pa.int64(), DType(Kind.STRING), False),
])
def test_which_parquet_columns_are_read_as_they_are(arrow, dtype, as_is):
    assert _as_is(arrow, dtype) is as_is
