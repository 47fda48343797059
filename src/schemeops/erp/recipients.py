"""The recipients' tax master (recipients.csv): GSTIN, legal name, address, state and PAN of
each participant, which the data contract does not carry; every error located by row and
column."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from schemeops.erp.settings import SettingsError
from schemeops.erp.states import STATES
from schemeops.errors import Diagnostic, SourceSpan

COLUMNS = ("participant_id", "gstin", "legal_name", "address1", "location", "pincode",
           "state_code", "pan")
_GSTIN = re.compile(r"[0-9]{2}[0-9A-Z]{13}")
_PAN = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]")
_PIN = re.compile(r"[1-9][0-9]{5}")
#: The e-invoice schema's limits on text (no double quote anywhere) by column.
_TEXT = {"legal_name": (3, 100), "address1": (1, 100), "location": (3, 50)}


@dataclass(frozen=True)
class Recipient:
    """One participant's tax identity; empty strings where the file leaves a cell empty."""

    participant_id: str
    gstin: str = ""
    legal_name: str = ""
    address1: str = ""
    location: str = ""
    pincode: str = ""
    state_code: str = ""
    pan: str = ""
    row: int = 0

    def missing_for_gst(self) -> list[str]:
        """The columns a GST credit note needs that this row leaves empty."""
        return [c for c in COLUMNS[1:7] if not getattr(self, c)]


def read_recipients(path: Path) -> dict[str, Recipient]:
    """The file's recipients by participant id; all problems at once as a SettingsError."""
    name = str(path)
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise SettingsError([_at(name, 1, 1, "recipients_unreadable", str(e),
                                 "give a UTF-8 CSV file")]) from None
    if not rows or "participant_id" not in rows[0]:
        raise SettingsError([_at(name, 1, 1, "recipients_header",
                                 "the header has no participant_id column",
                                 "header: " + ",".join(COLUMNS))])
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header if h not in COLUMNS]
    problems = [_at(name, 1, header.index(h) + 1, "recipients_column", f"unknown column {h!r}",
                    "columns: " + ",".join(COLUMNS)) for h in unknown]
    out: dict[str, Recipient] = {}
    for n, raw in enumerate(rows[1:], 2):
        cells = {h: v.strip() for h, v in zip(header, raw, strict=False) if h in COLUMNS}
        problems += _check(cells, header, name, n)
        pid = cells.get("participant_id", "")
        if pid in out:
            problems.append(_at(name, n, 1, "recipients_duplicate",
                                f"participant {pid!r} is also on row {out[pid].row}",
                                "keep one row per participant"))
        out[pid] = Recipient(**{c: cells.get(c, "") for c in COLUMNS}, row=n)
    if problems:
        raise SettingsError(problems)
    return out


def _check(cells: dict[str, str], header: list[str], name: str, n: int) -> list[Diagnostic]:
    def at(col: str, code: str, msg: str, fix: str) -> Diagnostic:
        return _at(name, n, header.index(col) + 1 if col in header else 1, code, msg, fix)

    out = []
    if not cells.get("participant_id"):
        out.append(at("participant_id", "recipients_id", "empty participant_id",
                      "every row names a participant"))
    checks = [("gstin", _GSTIN, "15 characters: 2-digit state code, then 13 of 0-9 A-Z"),
              ("pan", _PAN, "10 characters: AAAAA9999A"),
              ("pincode", _PIN, "6 digits, not starting with 0")]
    for col, pattern, fix in checks:
        v = cells.get(col, "")
        if v and not pattern.fullmatch(v):
            out.append(at(col, f"recipients_{col}", f"{col} {v[:40]!r} is not valid", fix))
    state = cells.get("state_code", "")
    if state and state not in STATES:
        out.append(at("state_code", "recipients_state", f"unknown state code {state[:10]!r}",
                      "two digits, e.g. 29 for Karnataka"))
    gstin = cells.get("gstin", "")
    if state and _GSTIN.fullmatch(gstin) and gstin[:2] != state:
        out.append(at("state_code", "recipients_state", f"state_code {state} differs from "
                      f"the GSTIN's {gstin[:2]}", "a GSTIN starts with its state's code"))
    for col, (lo, hi) in _TEXT.items():
        v = cells.get(col, "")
        if v and (not lo <= len(v) <= hi or '"' in v):
            out.append(at(col, f"recipients_{col}", f"{col} must be {lo} to {hi} characters "
                          "without a double quote", "shorten it or replace the quote"))
    return out


def _at(name: str, line: int, col: int, code: str, msg: str, fix: str) -> Diagnostic:
    return Diagnostic(SourceSpan(name, line, col), code, msg, fix)
