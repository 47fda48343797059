"""Text for a spreadsheet cell that the spreadsheet will show, never run (OWASP's rule for
CSV injection): every CSV and Excel export and statement writes user text through
`safe_cell`."""

from __future__ import annotations

import re

#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def safe_cell(value: object) -> str:
    """`value` as cell text; text a spreadsheet would run as a formula gets a leading `'`
    (a plain number such as -2400.00 is left as it is: it cannot run)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
