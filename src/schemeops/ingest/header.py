"""Match a file's header to its contract table: missing, extra and misspelt columns."""

from __future__ import annotations

import difflib

from schemeops.ingest.problems import FileRejected, Problem
from schemeops.schema import Table


def normalise(name: object) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and dashes as underscores."""
    text = "" if name is None else str(name)
    return text.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


def _suggest(name: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`? " if close else ""


def match_header(file: str, table: Table, raw: list[object], row: int = 1) -> list[str]:
    """The contract column for each header cell; raises FileRejected on a header that does not fit.

    Required columns must be present; optional ones may be left out (read as empty).
    A column the contract does not have, or the same column twice, rejects the file.
    `row` is where the header is (below title rows, in a sheet).
    """
    names = [normalise(n) for n in raw]
    expected = table.column_names

    def reject(column: str, code: str, reason: str, fix: str) -> FileRejected:
        return FileRejected(Problem(file, row, table.name, column, None, code, reason, fix))

    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise reject(name, "duplicate_column", f"column `{name}` appears twice in the header",
                         "keep one column of that name")
        seen.add(name)
    extra = [n for n in names if n not in expected]
    if extra:
        n = extra[0]
        if n == "":
            raise reject("", "empty_column_name", "a header cell is empty",
                         f"name every column; {table.name} has: {', '.join(expected)}")
        raise reject(n, "unknown_column",
                     f"column `{n}` is not in the contract of `{table.name}`",
                     f"{_suggest(n, expected)}rename or remove it; {table.name} has: "
                     + ", ".join(expected))
    missing = [c.name for c in table.columns if c.required and c.name not in seen]
    if missing:
        m = missing[0]
        unknown = [n for n in names if n not in expected]
        raise reject(m, "missing_column",
                     f"required column `{m}` is missing"
                     + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                     f"{_suggest(m, tuple(unknown))}add the column(s): {', '.join(missing)}")
    return names
