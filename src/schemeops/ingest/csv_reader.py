"""Stage a CSV file: check bytes and header, then stream it into a staging table as text."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from schemeops.ingest.header import match_header
from schemeops.ingest.problems import FileRejected, Problem
from schemeops.ingest.staging import append_batch, append_unparsed
from schemeops.schema import Table

_CHUNK = 1 << 24
_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def _reject(path: Path, table: Table, row: int | None, code: str, reason: str, fix: str,
            value: str | None = None, rows: int = 0) -> FileRejected:
    return FileRejected(Problem(str(path), row, table.name, "", value, code, reason, fix), rows)


def _check_utf8(path: Path, table: Table) -> int:
    """Raise FileRejected at the first byte that is not UTF-8; return the number of lines."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        # the last, empty read is final: a character cut off at the end of the file is caught
        while True:
            chunk = f.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                if not chunk:
                    line, bad = lines + (last != b"\n"), decoder.getstate()[0].hex(" ")
                else:
                    line = lines + chunk.count(b"\n", 0, e.start) + 1
                    bad = chunk[e.start:e.start + 4].hex(" ")
                raise _reject(path, table, line, "not_utf8",
                              f"bytes {bad} are not UTF-8 text",
                              "save the file as UTF-8 (in Excel: CSV UTF-8)") from None
            if not chunk:
                return lines + (last != b"\n")
            lines += chunk.count(b"\n")
            last = chunk[-1:]


def _read_header(path: Path, table: Table) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    cells = next(csv.reader(io.StringIO(first)), [])
    if len(cells) == 1 and len(table.columns) > 1:
        for delim, label in _OTHER_DELIMITERS.items():
            if delim in cells[0]:
                raise _reject(path, table, 1, "wrong_delimiter",
                              f"the header is one field split by {label}s, not commas",
                              "save the file comma-separated (CSV UTF-8)")
    return cells


def is_blank(fields: list[str]) -> bool:
    """Whether a CSV record is blank: no fields, or only empty or whitespace ones."""
    return not "".join(fields).strip()


def count_records(path: Path) -> int:
    """Data rows of a CSV file (blank ones not counted), for a file rejected as a whole."""
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        return sum(1 for fields in reader if not is_blank(fields))


@dataclass(frozen=True)
class _Record:
    """A CSV record as the file holds it: its first and last line, fields and raw lines."""

    line: int
    last: int
    fields: int
    lines: list[str]


def _records(path: Path) -> Iterator[_Record]:
    """The data records of a CSV file, split by quote state alone (so a field of any length,
    or a quote that never closes, is read rather than crashed on)."""
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        lines = iter(f)
        for header_line in lines:  # the header (quoted line breaks in it are not expected)
            del header_line
            break
        inside, fields, buf, start = False, 1, [], 2
        for n, line in enumerate(lines, start=2):
            buf.append(line)
            if not inside and '"' not in line:
                fields += line.count(",")
            else:
                for ch in line:
                    if ch == '"':
                        inside = not inside
                    elif ch == "," and not inside:
                        fields += 1
            if not inside:
                yield _Record(start, n, fields, buf)
                inside, fields, buf, start = False, 1, [], n + 1
        if buf:
            yield _Record(start, start + len(buf) - 1, fields, buf)


def _scan_rows(path: Path, width: int) -> tuple[np.ndarray, list[_Record]]:
    """First line of each record with `width` fields, and the other non-blank records.

    Runs only when records and lines disagree (rows skipped, values spanning lines).
    """
    good, bad = [], []
    for r in _records(path):
        # an empty line is a row to the reader (dropped later as blank); spaces are not
        if r.fields == width or (len(r.lines) == 1 and not _bare(r.lines[0])):
            good.append(r.line)
        elif "".join(r.lines).strip():
            bad.append(r)
    return np.asarray(good, dtype=np.int64), bad


def _bare(line: str) -> str:
    """A line without its line break."""
    return line.rstrip("\r\n")


def _unparsed_problems(path: Path, table: Table, width: int, r: _Record) -> list[Problem]:
    """A problem for each non-blank line of a record that could not be split: its first
    line for the field count, and each line a never-closed quote swallowed."""
    runs_on = r.last > r.line
    out = [Problem(str(path), r.line, table.name, "", _bare(r.lines[0])[:200], "field_count",
                   f"the row has {r.fields} fields but the header has {width}"
                   + (f"; it runs on to line {r.last}: a quote (\") opened in it is closed "
                      "only there, or never" if runs_on else ""),
                   "quote values that contain commas, and give every row the header's "
                   "columns" + ("; close the quote, or remove the stray one" if runs_on
                                else ""))]
    out += [Problem(str(path), r.line + i, table.name, "", _bare(line)[:200], "inside_quote",
                    f"this line was read as part of the row on line {r.line}, inside a "
                    "quote opened there", "close the quote on that line, or remove it")
            for i, line in enumerate(r.lines[1:], start=1) if line.strip()]
    return out


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, table: Table, stage: str,
              progress: Callable[[int], None] | None = None) -> list[Problem]:
    """Append the CSV's rows to `stage`; return problems with single rows (wrong field count)."""
    if path.stat().st_size == 0:
        raise _reject(path, table, None, "empty_file", "the file is empty",
                      f"export {table.name} again with a header row: "
                      + ",".join(table.column_names))
    lines = _check_utf8(path, table)
    header = match_header(str(path), table, _read_header(path, table))
    skipped: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if not is_blank(next(csv.reader(io.StringIO(row.text)), [])):
            skipped.append((row.actual_columns, row.text))
        return "skip"

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=1, column_names=header, block_size=_CHUNK),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in header},
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    index = staged = 0
    for batch in reader:
        rows = np.arange(index, index + batch.num_rows, dtype=np.int64) + 2
        staged += append_batch(con, stage, table, str(path), rows, batch)
        index += batch.num_rows
        if progress:
            progress(batch.num_rows)
    if staged == 0 and not skipped:
        raise _reject(path, table, None, "no_rows", "the file has a header but no data rows",
                      "check the export; leave the file out if there is nothing to load",
                      rows=0)
    if not skipped and index + 1 == lines:
        return []
    # Records and lines disagree (rows skipped, or values spanning lines): renumber the staged
    # rows from the file's own lines, and keep the rows not staged, verbatim.
    good, bad = _scan_rows(path, len(header))
    con.register("_good_lines", pa.table({"i": np.arange(len(good)) + 2, "line": good}))
    con.execute(f"UPDATE {stage} SET _row = g.line FROM _good_lines g "
                "WHERE _file = ? AND _row = g.i", [str(path)])
    con.unregister("_good_lines")
    problems = [p for r in bad for p in _unparsed_problems(path, table, len(header), r)]
    append_unparsed(con, table, str(path), [(r.line + i, _bare(line)) for r in bad
                                            for i, line in enumerate(r.lines) if line.strip()])
    return problems
