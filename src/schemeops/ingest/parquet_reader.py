"""Stage a Parquet file: check its columns, then expose its rows as a view that reads the
file where it is. A column that already has the contract's type is read as it is; any other
is read as the text a CSV would carry, and parsed like one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemeops.ingest.header import match_header
from schemeops.ingest.problems import FileRejected, Problem
from schemeops.ingest.staging import sql_string
from schemeops.schema import DType, Kind, Table


def _as_is(arrow_type: pa.DataType, dtype: DType) -> bool:
    """Whether every value of `arrow_type` is exactly a value of the contract type `dtype`
    (so reading it needs no parsing: an integer wider than 64 bits, a float read as a
    decimal, more decimal places than the contract's go through text and its checks)."""
    if dtype.kind is Kind.DATE:
        return pa.types.is_date32(arrow_type)
    if dtype.kind is Kind.INTEGER:
        return pa.types.is_signed_integer(arrow_type) or arrow_type in (
            pa.uint8(), pa.uint16(), pa.uint32())
    if dtype.kind is Kind.DOUBLE:
        return pa.types.is_float64(arrow_type)
    if dtype.kind is Kind.DECIMAL:
        return (pa.types.is_decimal(arrow_type) and arrow_type.scale <= dtype.scale
                and arrow_type.precision - arrow_type.scale <= dtype.precision - dtype.scale)
    return False  # strings are text either way


def _column(source: str, arrow_type: pa.DataType, dtype: DType) -> str:
    """SQL for a Parquet column: as it is when its values are the contract type's (the
    validation casts them), else the text a CSV would carry (midnight timestamps as dates)."""
    col = '"' + source.replace('"', '""') + '"'
    if _as_is(arrow_type, dtype):
        return col
    if pa.types.is_timestamp(arrow_type) and dtype.kind is Kind.DATE:
        return (f"CASE WHEN {col} = CAST(CAST({col} AS DATE) AS TIMESTAMP) "
                f"THEN CAST(CAST({col} AS DATE) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END")
    return f"CAST({col} AS VARCHAR)"


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: Table, part: str,
                  progress: Callable[[int], None] | None = None) -> None:
    """Create the view `part` of the Parquet file's rows, numbered from 1, with the file's
    name; the file is read when the view is (it must stay in place during the load)."""
    try:
        schema = pq.read_schema(path)
        rows = pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowInvalid, OSError) as e:
        raise FileRejected(Problem(str(path), None, table.name, "", None, "not_parquet",
                                   f"not a readable Parquet file ({e})",
                                   "write the file again as Parquet, or as CSV")) from None
    header = match_header(str(path), table, schema.names)
    if rows == 0:
        raise FileRejected(Problem(str(path), None, table.name, "", None, "no_rows",
                                   "the file has columns but no rows",
                                   "check the export; leave the file out if there is nothing "
                                   "to load"))
    by_name = dict(zip(header, schema.names, strict=True))
    cols = [
        _column(by_name[c.name], schema.field(by_name[c.name]).type, c.dtype)
        if c.name in by_name else "CAST(NULL AS VARCHAR)" for c in table.columns
    ]
    names = ", ".join(f'{col} AS "{c.name}"' for col, c in zip(cols, table.columns, strict=True))
    file = sql_string(str(path))
    con.execute(
        f'CREATE VIEW "{part}" AS SELECT {file} AS _file, file_row_number + 1 AS _row, '
        f"{names} FROM read_parquet({file}, file_row_number = true)")
    if progress:
        progress(rows)
