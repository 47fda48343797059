"""Our error types and located diagnostics; lower-level errors (DuckDB, Arrow, openpyxl) are
mapped to these."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


class SchemeopsError(Exception):
    """Base of every error schemeops raises on purpose."""


class UsageError(SchemeopsError):
    """Raised when a command is called with arguments it cannot work with."""


@dataclass(frozen=True)
class SourceSpan:
    """A place in a source file: 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a source file: where, a stable code, what, and how to fix it."""

    span: SourceSpan
    code: str
    message: str
    hint: str = ""
    severity: Literal["error", "warning"] = "error"

    @property
    def is_error(self) -> bool:
        """Whether the problem refuses the program (a warning does not)."""
        return self.severity == "error"

    def render(self) -> str:
        """`file:line:col: code message` (`file:line:col: warning: code message` for a
        warning), then the hint indented on its own line."""
        mark = "warning: " if self.severity == "warning" else ""
        head = f"{self.span}: {mark}{self.code} {self.message}"
        return f"{head}\n    hint: {self.hint}" if self.hint else head


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choices, or listing them all when none is close and few."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    if options and len(options) <= 15:
        return "expected one of: " + ", ".join(options)
    return ""
