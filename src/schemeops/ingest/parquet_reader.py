"""Stage a Parquet file: check its columns, then stream its row groups in as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from schemeops.ingest.header import match_header
from schemeops.ingest.problems import FileRejected, Problem
from schemeops.ingest.staging import append_batch
from schemeops.schema import Kind, Table


def _as_text(col: pa.ChunkedArray | pa.Array, kind: Kind) -> pa.Array:
    """A Parquet column as the text a CSV would carry (midnight timestamps as dates)."""
    if pa.types.is_timestamp(col.type) and kind is Kind.DATE:
        day = pc.cast(col, pa.date32())
        text = pc.cast(col, pa.string())
        midnight = pc.equal(pc.cast(day, col.type), col)
        return pc.if_else(midnight, pc.cast(day, pa.string()), text)
    return pc.cast(col, pa.string())


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: Table, stage: str,
                  progress: Callable[[int], None] | None = None) -> list[Problem]:
    """Append the Parquet file's rows to `stage`; rows are numbered from 1."""
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as e:
        raise FileRejected(Problem(str(path), None, table.name, "", None, "not_parquet",
                                   f"not a readable Parquet file ({e})",
                                   "write the file again as Parquet, or as CSV")) from None
    header = match_header(str(path), table, pf.schema_arrow.names)
    if pf.metadata.num_rows == 0:
        raise FileRejected(Problem(str(path), None, table.name, "", None, "no_rows",
                                   "the file has columns but no rows",
                                   "check the export; leave the file out if there is nothing "
                                   "to load"))
    index = 0
    for batch in pf.iter_batches(batch_size=1 << 18):
        renamed = batch.rename_columns(header)
        text = pa.table({
            n: _as_text(renamed.column(n), table.column(n).dtype.kind) for n in header
        })
        rows = np.arange(index, index + batch.num_rows, dtype=np.int64) + 1
        append_batch(con, stage, table, str(path), rows, text)
        index += batch.num_rows
        if progress:
            progress(batch.num_rows)
    return []
