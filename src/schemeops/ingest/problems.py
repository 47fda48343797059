"""What is wrong with an input: one problem per (file, row, column), with a reason and a fix."""

from __future__ import annotations

from dataclasses import dataclass

from schemeops.errors import SchemeopsError

#: Columns of the rejects file, in order.
PROBLEM_COLUMNS = ("file", "row", "table", "column", "value", "code", "reason", "fix")


@dataclass(frozen=True)
class Problem:
    """One rejected value or file: where it is, what is wrong, and how to fix it.

    `row` is the line number in a CSV file (the header is line 1), the sheet row in Excel,
    and the 1-based record number in Parquet; it is None for a problem with the whole file.
    """

    file: str
    row: int | None
    table: str
    column: str
    value: str | None
    code: str
    reason: str
    fix: str

    def render(self) -> str:
        """`file:row: column: reason (value) — fix`, as shown on screen."""
        where = f"{self.file}:{self.row}" if self.row is not None else self.file
        col = f" {self.column}:" if self.column else ""
        shown = self.value if self.value is None or len(self.value) <= SHOWN_VALUE else \
            self.value[:SHOWN_VALUE] + "…"
        val = f" (value {shown!r})" if shown not in (None, "") else ""
        return f"{where}:{col} {self.reason}{val}; fix: {self.fix}"


#: How much of a value a problem shows on screen (the rejects file has up to 200 characters).
SHOWN_VALUE = 80


class FileRejected(SchemeopsError):
    """Raised when a whole file cannot be read as its table; carries the problem."""

    def __init__(self, problem: Problem, rows: int = 0) -> None:
        super().__init__(problem.render())
        self.problem = problem
        self.rows = rows
