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


def _table_for(path: Path) -> Table | None:
    stem = path.name.split(".")[0].lower()
    try:
        return table(stem)
    except KeyError:
        return None


def resolve(paths: list[Path]) -> tuple[list[Source], list[Problem]]:
    """Sources for the given files and folders (a folder: every file named after a table).

    Sources come in contract order, so referenced tables are validated first. A file named
    more than once (twice, or as a folder and a file in it) is read once.
    """
    sources, problems = [], []
    seen: set[Path] = set()
    names = ", ".join(t.name for t in TABLES)
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in FORMATS and _table_for(p) is not None)
            if not files:
                problems.append(Problem(str(path), None, "", "", None, "no_inputs",
                                        "the folder holds no file named after a table",
                                        f"name files after tables: {names}"))
        else:
            files = [path]
        for f in files:
            fmt = FORMATS.get(f.suffix.lower())
            t = _table_for(f)
            if not f.exists():
                problems.append(Problem(str(f), None, "", "", None, "not_found",
                                        "no such file", "check the path"))
            elif fmt is None:
                problems.append(Problem(str(f), None, "", "", None, "unknown_format",
                                        f"cannot read `{f.suffix}` files",
                                        "give CSV (.csv), Parquet (.parquet) or Excel (.xlsx)"))
            elif t is None:
                problems.append(Problem(str(f), None, "", "", None, "unknown_table",
                                        "the file name does not say which table it holds",
                                        f"name the file after its table: {names}"))
            elif f.resolve() not in seen:
                seen.add(f.resolve())
                sources.append(Source(f, t, fmt))
    order = {t.name: i for i, t in enumerate(TABLES)}
    sources.sort(key=lambda s: order[s.table.name])
    return sources, problems
