"""Stage an Excel sheet: find the header row (title rows above it are skipped), read values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from zipfile import BadZipFile

import duckdb
import numpy as np
import pyarrow as pa
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from schemeops.ingest.header import match_header, normalise
from schemeops.ingest.problems import FileRejected, Problem
from schemeops.ingest.staging import append_batch, append_unparsed
from schemeops.schema import Table

_HEADER_SEARCH_ROWS = 20
_BATCH = 50_000
_ZEROS = re.compile(r"^0+$")


def cell_text(value: object, number_format: str | None = None) -> str | None:
    """A cell as the text a CSV would carry: dates as ISO, numbers without float noise, and a
    whole number formatted with leading zeros (`00000`) as shown (00123)."""
    if value is None:
        return None
    if (number_format and _ZEROS.match(number_format) and isinstance(value, int | float)
            and not isinstance(value, bool) and float(value).is_integer()):
        return str(int(value)).zfill(len(number_format))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel holds 15 significant digits; beyond them is binary noise (12.3*3 is stored
        # as 36.900000000000006 and shown as 36.9), so read the number Excel shows.
        return format(Decimal(f"{value:.15g}").normalize(), "f")
    return str(value)


def _find_header(rows: list[tuple], table: Table) -> int:
    expected = set(table.column_names)
    for i, row in enumerate(rows):
        names = {normalise(v) for v in row if v is not None}
        if len(names & expected) >= min(2, len(expected)):
            return i
    return 0


def _values(row: tuple) -> tuple:
    return tuple(c.value for c in row)


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula (a byte scan of its XML parts)."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        part = tail + chunk
                        if b"<f>" in part or b"<f " in part:
                            return True
                        tail = part[-3:]
    return False


def _formula_cells(path: Path, title: str) -> frozenset[tuple[int, int]]:
    """(row, column) of every formula on the sheet `title`, 1-based: with `data_only`, a
    formula Excel never calculated reads as empty, and must not load as an empty value."""
    if not _has_formulas(path):
        return frozenset()
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        return frozenset((r, c) for r, row in enumerate(wb[title].iter_rows(), start=1)
                         for c, cell in enumerate(row, start=1) if cell.data_type == "f")
    finally:
        wb.close()


def _as_csv_line(row: tuple) -> str:
    """A sheet row as one CSV line of its cells' texts (up to its last filled cell)."""
    cells = [cell_text(c.value, c.number_format) or "" for c in row]
    while cells and not cells[-1]:
        cells.pop()
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def _row_problems(file: str, table: Table, header: list[str], at: int,
                  row: tuple, formulas: frozenset[tuple[int, int]]) -> list[Problem]:
    """An error cell (#N/A, #REF!…), a formula without a saved value, or a value beyond the
    header's last column: the row is rejected rather than loaded with an error text or
    without that value."""
    problems = []
    for i, c in enumerate(row):
        where = f"{get_column_letter(i + 1)}{at}"
        if c.value is None:
            if (at, i + 1) in formulas:
                problems.append(Problem(
                    file, at, table.name, header[i] if i < len(header) else "", None,
                    "excel_uncalculated", f"cell {where} holds a formula with no saved value",
                    "open the file in Excel and save it (so its formulas are calculated), or "
                    "paste the values"))
            continue
        if i >= len(header):
            if str(c.value).strip():
                problems.append(Problem(
                    file, at, table.name, "", str(c.value)[:200], "field_count",
                    f"cell {where} has a value but its column has no header",
                    "name the column in the header row, or clear the cell"))
        elif c.data_type == "e":
            problems.append(Problem(
                file, at, table.name, header[i], str(c.value), "excel_error",
                f"cell {where} holds the Excel error {c.value}",
                "fix the formula, or paste the values it should have"))
    return problems


def stage_excel(con: duckdb.DuckDBPyConnection, path: Path, table: Table, stage: str,
                progress: Callable[[int], None] | None = None) -> list[Problem]:
    """Append the rows of the sheet named after the table (or the first sheet) to `stage`."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as e:
        raise FileRejected(Problem(str(path), None, table.name, "", None, "not_excel",
                                   f"not a readable .xlsx workbook ({type(e).__name__})",
                                   "save it as Excel Workbook (.xlsx) or CSV UTF-8")) from None
    try:
        ws = wb[table.name] if table.name in wb.sheetnames else wb.worksheets[0]
        it = ws.iter_rows()
        head = [row for _, row in zip(range(_HEADER_SEARCH_ROWS), it, strict=False)]
        if not head:
            raise FileRejected(Problem(str(path), None, table.name, "", None, "empty_file",
                                       f"sheet `{ws.title}` is empty",
                                       "put the header in the first row and data below it"))
        at = _find_header([_values(r) for r in head], table)
        raw_header = list(_values(head[at]))
        while raw_header and raw_header[-1] is None:
            raw_header.pop()
        try:
            header = match_header(f"{path}[{ws.title}]", table, raw_header, row=at + 1)
        except FileRejected as e:  # count the rows it holds, so that none goes uncounted
            below = [*head[at + 1:], *it]
            e.rows = sum(1 for r in below
                         if any(c.value is not None and str(c.value).strip() for c in r))
            raise
        formulas = _formula_cells(path, ws.title)
        width = len(header)
        first_row = at + 2  # sheet rows are 1-based; data starts below the header
        pending = head[at + 1:]
        index, staged = 0, 0
        problems: list[Problem] = []
        empty = (None,) * width
        while True:
            batch = pending
            pending = []
            for row in it:
                batch.append(row)
                if len(batch) >= _BATCH:
                    break
            if not batch:
                break
            texts, rows, refused = [], [], []
            for i, row in enumerate(batch, start=index + first_row):
                bad = _row_problems(str(path), table, header, i, row, formulas)
                if bad:
                    problems += bad
                    refused.append((i, _as_csv_line(row)))
                    continue
                cells = [cell_text(c.value, c.number_format) for c in row[:width]]
                texts.append((*cells, *empty)[:width])
                rows.append(i)
            append_unparsed(con, table, str(path), refused)
            refused = []
            cols = list(zip(*texts, strict=True)) or [()] * width
            data = pa.table({n: pa.array(cols[i], pa.string()) for i, n in enumerate(header)})
            staged += append_batch(con, stage, table, str(path),
                                   np.asarray(rows, dtype=np.int64), data)
            index += len(batch)
            if progress:
                progress(len(batch))
        if staged == 0 and not problems:
            raise FileRejected(Problem(str(path), None, table.name, "", None, "no_rows",
                                       f"sheet `{ws.title}` has a header but no data rows",
                                       "check the export; leave the file out if there is "
                                       "nothing to load"))
    finally:
        wb.close()
    return problems
