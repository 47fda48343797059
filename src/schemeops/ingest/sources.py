"""Which contract table each input file holds, from its name (or its sheets, for Excel)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemeops.ingest.problems import Problem
from schemeops.schema import TABLES, Table, table

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "excel",
           ".xlsm": "excel"}


@dataclass(frozen=True)
class Source:
    """One input file and the table it holds."""

    path: Path
    table: Table
    fmt: str


#: Suffixes of files named after a table that are refused by name, with the fix.
REFUSED = {
    ".gz": "decompress it first (e.g. gunzip) and load the .csv",
    ".zst": "decompress it first (e.g. unzstd) and load the .csv",
    ".bz2": "decompress it first and load the .csv",
    ".xz": "decompress it first and load the .csv",
    ".zip": "unzip it first and load the files inside",
    ".xls": "save it as Excel Workbook (.xlsx) or CSV UTF-8",
}


@dataclass(frozen=True)
class NotRead:
    """A file in an input folder that the load leaves alone, and why."""

    path: Path
    reason: str


def _table_for(path: Path) -> Table | None:
    stem = path.name.split(".")[0].lower()
    try:
        return table(stem)
    except KeyError:
        return None


def _problem(path: Path, code: str, reason: str, fix: str) -> Problem:
    return Problem(str(path), None, "", "", None, code, reason, fix)


def _refusal(f: Path, names: str) -> Problem | None:
    """Why a file given (or named after a table in a folder) cannot be read, or None."""
    if not f.exists():
        return _problem(f, "not_found", "no such file", "check the path")
    if not f.is_file():
        return _problem(f, "not_a_file", "not a regular file (a folder, pipe or device)",
                        "give the data file itself")
    suffix = f.suffix.lower()
    if suffix in REFUSED:
        kind = "a compressed file" if suffix != ".xls" else "a legacy Excel 97–2003 workbook"
        return _problem(f, "unsupported_file", f"{kind} ({suffix}) cannot be read",
                        REFUSED[suffix])
    if suffix not in FORMATS:
        return _problem(f, "unknown_format", f"cannot read `{f.suffix}` files",
                        "give CSV (.csv), Parquet (.parquet) or Excel (.xlsx)")
    if _table_for(f) is None:
        return _problem(f, "unknown_table", "the file name does not say which table it holds",
                        f"name the file after its table: {names}")
    return None


def resolve(paths: list[Path]) -> tuple[list[Source], list[Problem], list[NotRead]]:
    """Sources for the given files and folders, the problems of those that cannot be read,
    and the files of folders that are left alone.

    In a folder, every file named after a table is read, or refused by name when it cannot
    be (compressed, legacy .xls, another format); any other file or subfolder is named as
    not read. Sources come in contract order, so referenced tables are validated first. A
    file named more than once (twice, or as a folder and a file in it) is read once.
    """
    sources, problems, not_read = [], [], []
    seen: set[Path] = set()
    names = ", ".join(t.name for t in TABLES)
    for path in paths:
        if path.is_dir():
            files = []
            for p in sorted(path.iterdir()):
                if p.is_dir():
                    not_read.append(NotRead(p, "a folder: folders are not searched"))
                elif _table_for(p) is not None:
                    files.append(p)  # read, or refused by name (a pipe, a compressed file…)
                else:
                    not_read.append(NotRead(p, "not named after a table"))
            if not files:
                problems.append(_problem(path, "no_inputs",
                                         "the folder holds no file named after a table",
                                         f"name files after tables: {names}"))
        else:
            files = [path]
        for f in files:
            if (refused := _refusal(f, names)) is not None:
                problems.append(refused)
            elif f.resolve() not in seen:
                seen.add(f.resolve())
                t = _table_for(f)
                assert t is not None
                sources.append(Source(f, t, FORMATS[f.suffix.lower()]))
    order = {t.name: i for i, t in enumerate(TABLES)}
    sources.sort(key=lambda s: order[s.table.name])
    return sources, problems, not_read
