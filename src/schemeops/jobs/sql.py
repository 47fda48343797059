"""A SQL source: the configured query, read from the last pull's newest cursor value less the
lag window (so late rows are read again; rows already loaded come back as already present),
written to a CSV file named after its table and loaded like any file."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import bindparam, column, create_engine, literal_column, select, text
from sqlalchemy.exc import SQLAlchemyError

from schemeops.jobs.config import SqlJob
from schemeops.jobs.outcome import Outcome, failure, load_files, write_csv
from schemeops.schema import table

#: Rows fetched from the source at a time.
BATCH = 50_000


def _parse_cursor(value: str) -> dt.date | dt.datetime:
    return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)


def since(cursor: str | None, lag_days: int) -> dt.date | dt.datetime | None:
    """Where the next read starts: the newest value read less the lag (None: from the start)."""
    return None if cursor is None else _parse_cursor(cursor) - dt.timedelta(days=lag_days)


def _read(spec: SqlJob, start: dt.date | dt.datetime | None) -> tuple[dict[str, pa.Array], int]:
    """The query's rows from `start` on, as columns named as the query names them."""
    q = text(spec.query).columns(column(spec.cursor)).subquery("q")
    stmt = select(literal_column("*")).select_from(q)
    if start is not None:
        stmt = stmt.where(q.c[spec.cursor] >= bindparam("since", start))
    engine = create_engine(spec.url)
    rows = 0
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(stmt)
            names = list(result.keys())
            chunks: dict[str, list[pa.Array]] = {n: [] for n in names}
            for part in result.partitions(BATCH):
                for n, values in zip(names, zip(*part, strict=True), strict=True):
                    chunks[n].append(pa.array(values))
                rows += len(part)
    finally:
        engine.dispose()
    if spec.cursor not in chunks:
        raise ValueError(f"the query returns no column {spec.cursor!r} (the cursor)")
    cols = {n: pa.concat_arrays([c.cast(pa.string()) for c in chunks[n]]) if chunks[n]
            else pa.array([], pa.string()) for n in names}
    if rows:
        cols["__cursor__"] = pa.concat_arrays(chunks[spec.cursor])
    return cols, rows


def pull_sql(spec: SqlJob, *, cursor: str | None, warehouse: Path) -> Outcome:
    """Read the source from the cursor less the lag and load what it returns."""
    out = Outcome(cursor=cursor)
    start = since(cursor, spec.lag_days)
    try:
        cols, rows = _read(spec, start)
    except (SQLAlchemyError, ValueError) as e:
        out.errors.append(f"reading the source: {str(e).splitlines()[0]}")
        return out
    out.detail = {"since": start.isoformat() if start is not None else None, "rows": rows}
    if not rows:
        return out
    newest = pc.max(cols.pop("__cursor__")).as_py()
    t = table(spec.table)
    with tempfile.TemporaryDirectory(prefix=".schemeops-pull-", dir=warehouse.parent) as tmp:
        path = Path(tmp) / f"{t.name}.csv"
        # the cursor may be a column of the source only (updated_at): not written
        write_csv({n: c for n, c in cols.items() if n in t.column_names or n != spec.cursor},
                  path)
        report = load_files([path], warehouse=warehouse, accept_valid=spec.accept_valid)
    out.add(report)
    if (why := failure(report, f"{t.name} from the query")) is not None:
        out.errors.append(why)
    if report.loaded:  # the cursor moves only once the rows are in the warehouse
        value = newest.isoformat() if hasattr(newest, "isoformat") else str(newest)
        out.cursor = max(value, cursor) if cursor else value
    return out
