"""Our error types; lower-level errors (DuckDB, Arrow, openpyxl) are mapped to these."""

from __future__ import annotations


class SchemeopsError(Exception):
    """Base of every error schemeops raises on purpose."""


class UsageError(SchemeopsError):
    """Raised when a command is called with arguments it cannot work with."""
