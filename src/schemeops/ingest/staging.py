"""Staging tables: every input row as text, with the file and row it came from."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.schema import Table


def sql_string(text: str) -> str:
    """A SQL string literal (for statements that take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def stage_name(table: Table) -> str:
    """Name of the staging table that collects `table`'s input rows."""
    return f"stage_{table.name}"


def create_stage(con: duckdb.DuckDBPyConnection, table: Table) -> str:
    """Create the (empty) staging table for `table` and return its name."""
    cols = ", ".join(f'"{c}" VARCHAR' for c in table.column_names)
    name = stage_name(table)
    con.execute(f"CREATE OR REPLACE TABLE {name} (_file VARCHAR, _row BIGINT, {cols})")
    return name


def append_batch(con: duckdb.DuckDBPyConnection, stage: str, table: Table, file: str,
                 rows: np.ndarray, batch: pa.RecordBatch | pa.Table) -> int:
    """Append text columns of `batch` (any subset of the table's columns) to `stage`.

    Rows whose cells are all empty (blank lines) are skipped; returns the rows appended.
    """
    n = batch.num_rows
    columns = {}
    blank = np.ones(n, dtype=bool)
    for name in table.column_names:
        if name in batch.column_names:
            col = batch.column(name)
            if col.type != pa.string():
                col = col.cast(pa.string())
            blank &= np.asarray(pc.fill_null(pc.equal(pc.utf8_trim_whitespace(col), ""), True))
            columns[name] = col
        else:
            columns[name] = pa.nulls(n, pa.string())
    data = pa.table({"_file": pa.repeat(pa.scalar(file, pa.string()), n),
                     "_row": pa.array(rows, pa.int64()), **columns})
    if blank.any():
        data = data.filter(pa.array(~blank))
    con.register("_batch", data)
    con.execute(f"INSERT INTO {stage} SELECT * FROM _batch")
    con.unregister("_batch")
    return data.num_rows


#: Rows that could not be split into fields (a wrong field count, or lines inside a quote
#: that never closes), kept verbatim so that `--accept-valid` quarantines them whole.
UNPARSED = "_unparsed"


def create_unparsed(con: duckdb.DuckDBPyConnection) -> None:
    """Create the (empty) table of unparsed rows."""
    con.execute(f'CREATE OR REPLACE TABLE {UNPARSED} ("table" VARCHAR, _file VARCHAR, '
                "_row BIGINT, _text VARCHAR)")


def append_unparsed(con: duckdb.DuckDBPyConnection, table: Table, file: str,
                    rows: list[tuple[int, str]]) -> None:
    """Keep (row, verbatim text) of `file`'s rows that could not be split into fields."""
    if not rows:
        return
    data = pa.table({"table": pa.repeat(pa.scalar(table.name, pa.string()), len(rows)),
                     "_file": pa.repeat(pa.scalar(file, pa.string()), len(rows)),
                     "_row": pa.array([r for r, _ in rows], pa.int64()),
                     "_text": pa.array([t for _, t in rows], pa.string())})
    con.register("_unparsed_batch", data)
    con.execute(f"INSERT INTO {UNPARSED} SELECT * FROM _unparsed_batch")
    con.unregister("_unparsed_batch")
