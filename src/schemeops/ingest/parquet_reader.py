"""Stage a Parquet file: check its columns, then let DuckDB copy its rows in as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemeops.ingest.header import match_header
from schemeops.ingest.problems import FileRejected, Problem
from schemeops.schema import Kind, Table


def _text(source: str, arrow_type: pa.DataType, kind: Kind) -> str:
    """SQL for a Parquet column as the text a CSV would carry (midnight timestamps as dates)."""
    col = f'"{source}"'
    if pa.types.is_timestamp(arrow_type) and kind is Kind.DATE:
        return (f"CASE WHEN {col} = CAST(CAST({col} AS DATE) AS TIMESTAMP) "
                f"THEN CAST(CAST({col} AS DATE) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END")
    return f"CAST({col} AS VARCHAR)"


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: Table, stage: str,
                  progress: Callable[[int], None] | None = None) -> list[Problem]:
    """Append the Parquet file's rows to `stage`; rows are numbered from 1."""
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
        _text(by_name[c.name], schema.field(by_name[c.name]).type, c.dtype.kind)
        if c.name in by_name else "NULL" for c in table.columns
    ]
    con.execute(
        f"INSERT INTO {stage} SELECT ?, file_row_number + 1, {', '.join(cols)} "
        "FROM read_parquet(?, file_row_number = true)", [str(path), str(path)])
    if progress:
        progress(rows)
    return []
